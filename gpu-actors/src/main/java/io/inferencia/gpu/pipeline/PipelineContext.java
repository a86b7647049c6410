package io.inferencia.gpu.pipeline;

import com.typesafe.config.Config;
import io.inferencia.protocols.inference.Inferer;
import java.util.concurrent.Executor;

/**
 * What a pipeline may use: the inferer that reaches the other models' batchers, the bounded blocking
 * executor for its CPU-heavy decode and pre/post-processing, and the {@code inference} config section.
 */
public record PipelineContext(Inferer inferer, Executor blockingExecutor, Config settings) {}

package io.inferencia.gpu.pipeline;

import io.inferencia.protocols.modelconfig.ModelConfig;
import java.nio.file.Path;

/** Creates the pipeline for one config.pbtxt whose backend names it. */
public interface PipelineFactory {
  /** The config.pbtxt backend value this factory serves, e.g. "ocr_pipeline". */
  String backend();

  /** Throws (IllegalArgumentException, IOException wrapped) when the pipeline cannot be built. */
  PipelineModel create(ModelConfig config, Path modelDir, PipelineContext context);
}

package io.inferencia.gpu.pipeline.vad;

import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.gpu.pipeline.PipelineSettings;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.nio.file.Path;

/**
 * Builds the VAD pipeline for a config.pbtxt with backend "vad_pipeline". Optional config parameter
 * {@code vad_model} (default "vad"); setting {@code pipelines.vad.max-audio-seconds} (default 3600).
 */
public final class VadPipelineFactory implements PipelineFactory {
  public static final String BACKEND = "vad_pipeline";

  @Override
  public String backend() {
    return BACKEND;
  }

  @Override
  public PipelineModel create(ModelConfig config, Path modelDir, PipelineContext context) {
    PipelineSettings.requireStringInput(config, VadPipeline.INPUT);
    PipelineSettings settings = new PipelineSettings(context.settings());
    double maxSeconds = settings.getDouble("pipelines.vad.max-audio-seconds", 3600);
    if (maxSeconds <= 0) throw new IllegalArgumentException("pipelines.vad.max-audio-seconds must be positive");
    return new VadPipeline(
        config.getName().isEmpty() ? modelDir.getFileName().toString() : config.getName(),
        PipelineSettings.parameter(config, "vad_model", "vad"),
        context.inferer(),
        context.blockingExecutor(),
        maxSeconds);
  }
}

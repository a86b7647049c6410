package io.inferencia.gpu.testkit;

import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Backend "crash_pipeline": echoes its TEXT input, except that the text "crash" makes it throw
 * synchronously, as a buggy plug-in would, inside the actor that serves it.
 */
public final class CrashPipelineFactory implements PipelineFactory {
  public static final String CONFIG = """
      backend: "crash_pipeline"
      max_batch_size: 0
      input [ { name: "TEXT" data_type: TYPE_STRING dims: [ -1 ] } ]
      output [ { name: "TEXT" data_type: TYPE_STRING dims: [ -1 ] } ]
      """;

  @Override
  public String backend() {
    return "crash_pipeline";
  }

  @Override
  public PipelineModel create(ModelConfig config, Path modelDir, PipelineContext context) {
    return request -> {
      if (request.inputs().get(0).asStrings().contains("crash")) throw new IllegalStateException("a bug in the pipeline");
      return CompletableFuture.completedFuture(
          new InferResponse(request.model(), request.version(), request.id(), List.of(request.inputs().get(0))));
    };
  }
}

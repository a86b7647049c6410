package io.inferencia.gpu.testkit;

import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/** Backend "echo_pipeline": answers its BYTES input TEXT upper-cased, on the blocking executor. */
public final class EchoPipelineFactory implements PipelineFactory {
  public static final String CONFIG = """
      backend: "echo_pipeline"
      max_batch_size: 0
      input [ { name: "TEXT" data_type: TYPE_STRING dims: [ -1 ] } ]
      output [ { name: "TEXT" data_type: TYPE_STRING dims: [ -1 ] } ]
      """;

  @Override
  public String backend() {
    return "echo_pipeline";
  }

  @Override
  public PipelineModel create(ModelConfig config, Path modelDir, PipelineContext context) {
    if (context.inferer() == null) throw new IllegalArgumentException("pipelines need the inferer");
    return request -> CompletableFuture.supplyAsync(() -> {
      Tensor in = request.inputs().get(0);
      List<String> upper = in.asStrings().stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
      Tensor out = Tensor.ofStrings("TEXT", in.shape(), upper);
      return new InferResponse(request.model(), request.version(), request.id(), List.of(out));
    }, context.blockingExecutor());
  }
}

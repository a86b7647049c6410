package io.inferencia.gpu.pipeline.ensemble;

import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.gpu.pipeline.PipelineRequests;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceFailure;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelEnsembling;
import io.inferencia.protocols.modelconfig.ModelOutput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Runs an ensemble request as a dataflow: each step is sent to its model (through the gateway, so it
 * batches with every other request for that model) as soon as the tensors it consumes exist, so
 * independent steps run at the same time. Steps get the request's id, parameters and timeout; the
 * client's deadline shrinks by the time spent so far, and a step that would start past it fails
 * DEADLINE_EXCEEDED without running.
 */
final class EnsembleModel implements PipelineModel {
  private final String name;
  private final List<String> outputs;
  private final EnsembleGraph graph;
  private final Inferer inferer;

  EnsembleModel(ModelConfig config, EnsembleGraph graph, Inferer inferer) {
    this.name = config.getName();
    this.outputs = config.getOutputList().stream().map(ModelOutput::getName).toList();
    this.graph = graph;
    this.inferer = inferer;
  }

  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    long start = System.nanoTime();
    Map<String, CompletableFuture<Tensor>> tensors = new HashMap<>();
    for (Tensor t : request.inputs()) tensors.put(t.name(), CompletableFuture.completedFuture(t));
    List<CompletableFuture<InferResponse>> steps = new ArrayList<>();
    for (ModelEnsembling.Step step : graph.order()) {
      // An optional ensemble input the client left out is left out of the steps it feeds too.
      Map<String, CompletableFuture<Tensor>> inputs = new HashMap<>();
      step.getInputMapMap().forEach((input, tensor) -> {
        CompletableFuture<Tensor> value = tensors.get(tensor);
        if (value != null) inputs.put(input, value);
      });
      CompletableFuture<InferResponse> call = CompletableFuture.allOf(inputs.values().toArray(CompletableFuture[]::new))
          .thenCompose(ready -> run(request, step, joined(inputs), start));
      steps.add(call);
      step.getOutputMapMap().forEach((output, tensor) ->
          tensors.put(tensor, call.thenApply(response -> renamed(PipelineRequests.output(response, output), tensor))));
    }
    return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<Tensor> result = new ArrayList<>();
      for (String out : outputs)
        if (request.requestedOutputs().isEmpty() || request.requestedOutputs().contains(out))
          result.add(tensors.get(out).join());
      return new InferResponse(name, request.version(), request.id(), result);
    });
  }

  private CompletableFuture<InferResponse> run(InferRequest request, ModelEnsembling.Step step, List<Tensor> inputs,
      long start) {
    long clientTimeout = request.clientTimeoutMicros();
    if (clientTimeout > 0) {
      clientTimeout -= TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
      if (clientTimeout <= 0)
        return CompletableFuture.failedFuture(new InferenceException(ErrorKind.DEADLINE_EXCEEDED, "ensemble '" + name
            + "': the client's deadline passed before step model '" + step.getModelName() + "' could run"));
    }
    String version = step.getModelVersion() > 0 ? Long.toString(step.getModelVersion()) : "";
    InferRequest call = new InferRequest(step.getModelName(), version, request.id(), inputs,
        List.copyOf(step.getOutputMapMap().keySet()), request.parameters(), request.timeoutMicros(), clientTimeout, Map.of(),
        request.traceparent());
    CompletableFuture<InferResponse> response;
    try {
      response = inferer.infer(call).toCompletableFuture();
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    // The step's own failure keeps its kind (a queue timeout stays DEADLINE_EXCEEDED) and says where it happened.
    return response.handle((r, error) -> {
      if (error == null) return CompletableFuture.completedFuture(r);
      InferenceFailure failure = InferenceFailure.of(error);
      return CompletableFuture.<InferResponse>failedFuture(new InferenceException(failure.kind(),
          "ensemble '" + name + "' step model '" + step.getModelName() + "': " + failure.message()));
    }).thenCompose(f -> f);
  }

  private static List<Tensor> joined(Map<String, CompletableFuture<Tensor>> inputs) {
    List<Tensor> out = new ArrayList<>(inputs.size());
    inputs.forEach((input, value) -> out.add(renamed(value.join(), input)));
    return out;
  }

  private static Tensor renamed(Tensor t, String name) {
    return t.name().equals(name) ? t : new Tensor(name, t.datatype(), t.shape(), t.data());
  }
}

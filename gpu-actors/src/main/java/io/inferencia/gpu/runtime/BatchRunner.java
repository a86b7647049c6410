package io.inferencia.gpu.runtime;

import ai.onnxruntime.OrtException;
import io.inferencia.gpu.batching.StackedInput;
import io.inferencia.gpu.batching.TensorBatching;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelInput;
import io.inferencia.protocols.modelconfig.ModelOutput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one formed batch on one instance: stacks the requests' inputs, applies the config's reshapes,
 * runs the session and hands each request its slice of the declared outputs. Blocking.
 */
public final class BatchRunner {
  private final ModelConfig config;
  private final boolean batching;
  private final List<String> inputNames;
  private final Map<String, ModelOutput> outputs = new HashMap<>();

  public BatchRunner(ModelConfig config) {
    this.config = config;
    this.batching = config.getMaxBatchSize() > 0;
    this.inputNames = config.getInputList().stream().map(ModelInput::getName).toList();
    config.getOutputList().forEach(o -> outputs.put(o.getName(), o));
  }

  /** Each request's outputs, in request order, when the batch started and where it spent its time. */
  public record Result(List<List<Tensor>> perRequest, long startedNanos, PhaseTimes times) {}

  /** Outputs per request, in request order, filtered to what each request asked for. */
  public Result run(ModelInstance instance, List<InferRequest> requests, int[] batchSizes) throws OrtException {
    long start = System.nanoTime();
    List<List<Tensor>> perRequest = new ArrayList<>(requests.size());
    for (InferRequest r : requests) perRequest.add(r.inputs());
    List<Tensor> presentNames = requests.get(0).inputs();
    List<String> names = inputNames.stream().filter(n -> presentNames.stream().anyMatch(t -> t.name().equals(n))).toList();
    List<StackedInput> batch = batching
        ? TensorBatching.concat(perRequest, names)
        : requests.get(0).inputs().stream().map(StackedInput::of).toList();
    List<StackedInput> feed = new ArrayList<>(batch.size());
    for (StackedInput t : batch) feed.add(reshapeInput(t));
    long stacked = System.nanoTime();
    ModelInstance.Run run = instance.run(feed);
    long ran = System.nanoTime();
    List<Tensor> results = new ArrayList<>();
    for (Tensor out : run.outputs()) if (outputs.containsKey(out.name())) results.add(reshapeOutput(out));
    List<List<Tensor>> split = batching ? TensorBatching.split(results, batchSizes) : List.of(results);
    List<List<Tensor>> filtered = new ArrayList<>(split.size());
    for (int i = 0; i < split.size(); i++) filtered.add(requested(split.get(i), requests.get(i).requestedOutputs()));
    return new Result(filtered, start, run.times().plus(stacked - start, System.nanoTime() - ran));
  }

  private StackedInput reshapeInput(StackedInput t) {
    for (ModelInput in : config.getInputList())
      if (in.getName().equals(t.name()) && in.hasReshape())
        return t.withShape(TensorBatching.reshaped(t.shape(), Tensor.elementCount(t.shape()),
            in.getReshape().getShapeList(), batching));
    return t;
  }

  /** A reshaped output goes back to the client in its declared dims. */
  private Tensor reshapeOutput(Tensor t) {
    ModelOutput out = outputs.get(t.name());
    return out.hasReshape() ? TensorBatching.reshape(t, out.getDimsList(), batching) : t;
  }

  private static List<Tensor> requested(List<Tensor> all, List<String> wanted) {
    if (wanted.isEmpty()) return all;
    return all.stream().filter(t -> wanted.contains(t.name())).toList();
  }
}

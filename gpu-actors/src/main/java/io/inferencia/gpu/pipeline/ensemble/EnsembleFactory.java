package io.inferencia.gpu.pipeline.ensemble;

import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.gpu.pipeline.SiblingModels;
import io.inferencia.gpu.repository.ModelRepository;
import io.inferencia.gpu.repository.ModelSource;
import io.inferencia.protocols.modelconfig.DataType;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelEnsembling;
import io.inferencia.protocols.modelconfig.ModelInput;
import io.inferencia.protocols.modelconfig.ModelOutput;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds an ensemble (platform "ensemble") once its steps fit the models they name, read from the
 * repository that holds the ensemble: each step model exists and is servable, serves the version the
 * step asks for, has the inputs and outputs the maps name (every required input mapped), agrees on
 * each tensor's data type, batches at least as much as the ensemble, and no chain of ensembles leads
 * back to this one. Shapes are checked per request by each step model, as for any client.
 */
public final class EnsembleFactory implements PipelineFactory {
  public static final String PLATFORM = EnsembleGraph.PLATFORM;

  @Override
  public String backend() {
    return PLATFORM;
  }

  @Override
  public PipelineModel create(ModelConfig config, Path modelDir, PipelineContext context) {
    EnsembleGraph graph = EnsembleGraph.of(config);
    ModelRepository repository = new ModelRepository(SiblingModels.repository(modelDir));
    // Each model is read once, however many steps and ensembles name it.
    Map<String, Optional<ModelSource>> scanned = new HashMap<>();
    Function<String, Optional<ModelSource>> scan = name -> scanned.computeIfAbsent(name, repository::scanModel);
    Map<String, DataType> types = new HashMap<>();
    for (ModelInput in : config.getInputList()) types.put(in.getName(), in.getDataType());
    // In dataflow order every consumed tensor's type is known before the step that consumes it.
    for (ModelEnsembling.Step step : graph.order()) {
      ModelConfig model = stepModel(scan, config, step);
      checkInputs(step, model, types);
      checkOutputs(step, model, types);
    }
    for (ModelOutput out : config.getOutputList())
      if (types.get(out.getName()) != out.getDataType())
        throw new IllegalArgumentException("ensemble output '" + out.getName() + "' is " + out.getDataType()
            + " but its step produces " + types.get(out.getName()));
    checkNoCycleThroughEnsembles(scan, config.getName(), graph);
    return new EnsembleModel(config, graph, context.inferer());
  }

  private static ModelConfig stepModel(Function<String, Optional<ModelSource>> scan, ModelConfig ensemble,
      ModelEnsembling.Step step) {
    String name = step.getModelName();
    ModelSource source = scan.apply(name)
        .orElseThrow(() -> new IllegalArgumentException("step model '" + name + "' is not in the repository"));
    if (!source.servable()) throw new IllegalArgumentException("step model '" + name + "' is unavailable: " + source.error());
    if (step.getModelVersion() > 0 && !ModelSource.isPipeline(source.config().orElseThrow())
        && source.versions().stream().noneMatch(v -> v.version().equals(Long.toString(step.getModelVersion()))))
      throw new IllegalArgumentException("step model '" + name + "' serves no version " + step.getModelVersion());
    ModelConfig model = source.config().orElseThrow();
    if (ensemble.getMaxBatchSize() > model.getMaxBatchSize())
      throw new IllegalArgumentException("ensemble max_batch_size " + ensemble.getMaxBatchSize() + " exceeds step model '"
          + name + "' max_batch_size " + model.getMaxBatchSize());
    return model;
  }

  private static void checkInputs(ModelEnsembling.Step step, ModelConfig model, Map<String, DataType> types) {
    Map<String, DataType> declared = new HashMap<>();
    for (ModelInput in : model.getInputList()) declared.put(in.getName(), in.getDataType());
    step.getInputMapMap().forEach((input, tensor) -> {
      DataType expected = declared.get(input);
      if (expected == null)
        throw new IllegalArgumentException("step model '" + model.getName() + "' has no input '" + input + "' (input_map), expected one of "
            + declared.keySet());
      if (types.get(tensor) != expected)
        throw new IllegalArgumentException("tensor '" + tensor + "' is " + types.get(tensor) + " but input '" + input
            + "' of step model '" + model.getName() + "' is " + expected);
    });
    for (ModelInput in : model.getInputList())
      if (!in.getOptional() && !step.getInputMapMap().containsKey(in.getName()))
        throw new IllegalArgumentException("input '" + in.getName() + "' of step model '" + model.getName()
            + "' is not mapped (input_map)");
  }

  private static void checkOutputs(ModelEnsembling.Step step, ModelConfig model, Map<String, DataType> types) {
    Map<String, DataType> declared = new HashMap<>();
    for (ModelOutput out : model.getOutputList()) declared.put(out.getName(), out.getDataType());
    step.getOutputMapMap().forEach((output, tensor) -> {
      DataType type = declared.get(output);
      if (type == null)
        throw new IllegalArgumentException("step model '" + model.getName() + "' has no output '" + output + "' (output_map), expected one of "
            + declared.keySet());
      types.put(tensor, type);
    });
  }

  /** Ensembles may call ensembles; a chain that comes back to this one would recurse forever. */
  private static void checkNoCycleThroughEnsembles(Function<String, Optional<ModelSource>> scan, String self,
      EnsembleGraph graph) {
    Deque<String> pending = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    graph.order().forEach(s -> pending.add(s.getModelName()));
    while (!pending.isEmpty()) {
      String name = pending.poll();
      if (!seen.add(name)) continue;
      Optional<ModelConfig> config = scan.apply(name).flatMap(ModelSource::config);
      if (config.isEmpty() || !config.get().hasEnsembleScheduling()) continue;
      for (ModelEnsembling.Step s : config.get().getEnsembleScheduling().getStepList()) {
        if (s.getModelName().equals(self))
          throw new IllegalArgumentException("ensemble '" + name + "', a step of this one, calls this ensemble back");
        pending.add(s.getModelName());
      }
    }
  }
}

package io.inferencia.gpu.repository;

import com.google.protobuf.TextFormat;
import io.inferencia.gpu.pipeline.ensemble.EnsembleGraph;
import io.inferencia.gpu.runtime.CpuLayout;
import io.inferencia.gpu.sequence.SequenceRules;
import io.inferencia.gpu.runtime.SessionTuning;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelDynamicBatching;
import io.inferencia.protocols.modelconfig.ModelInput;
import io.inferencia.protocols.modelconfig.ModelInstanceGroup;
import io.inferencia.protocols.modelconfig.ModelOptimizationPolicy;
import io.inferencia.protocols.modelconfig.ModelOutput;
import io.inferencia.protocols.modelconfig.ModelParameter;
import io.inferencia.protocols.modelconfig.ModelWarmup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a Triton config.pbtxt strictly (unknown fields are errors, not silently dropped) and checks
 * that it describes a servable model. The returned config has its defaults filled in: the name, the
 * batching_mode parameter and an instance group of count 1.
 */
public final class ModelConfigParser {
  // Overwrites are refused too: a field given twice, or two members of one oneof (dynamic_batching
  // and ensemble_scheduling), would otherwise keep the last and drop the other without a word.
  private static final TextFormat.Parser STRICT = TextFormat.Parser.newBuilder()
      .setAllowUnknownFields(false)
      .setAllowUnknownExtensions(false)
      .setSingularOverwritePolicy(TextFormat.Parser.SingularOverwritePolicy.FORBID_SINGULAR_OVERWRITES)
      .build();

  /** Each batcher bucket keeps one queue per level: a bound keeps a typo from allocating millions. */
  static final int MAX_PRIORITY_LEVELS = 1024;

  private ModelConfigParser() {}

  public static ModelConfig parseFile(Path configFile, String directoryName) throws ModelConfigException {
    String text;
    try {
      text = Files.readString(configFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + configFile + ": " + e.getMessage(), e);
    }
    return parse(text, directoryName);
  }

  public static ModelConfig parse(String text, String directoryName) throws ModelConfigException {
    ModelConfig.Builder builder = ModelConfig.newBuilder();
    try {
      STRICT.merge(text, builder);
    } catch (TextFormat.ParseException e) {
      throw new ModelConfigException("config.pbtxt of '" + directoryName + "' does not parse: " + e.getMessage(), e);
    }
    return validate(builder, directoryName);
  }

  private static ModelConfig validate(ModelConfig.Builder b, String dir) throws ModelConfigException {
    if (b.getName().isEmpty()) b.setName(dir);
    else if (!b.getName().equals(dir))
      throw error(dir, "name '" + b.getName() + "' does not match its directory '" + dir + "'");
    if (b.getMaxBatchSize() < 0) throw error(dir, "max_batch_size must be >= 0, got " + b.getMaxBatchSize());
    if (!b.getRuntime().isEmpty())
      throw error(dir, "runtime '" + b.getRuntime() + "' is not supported (the onnxruntime backend and the built-in pipelines)");
    // Accepted when it says what every model here is anyway: one response per request.
    if (b.getModelTransactionPolicy().getDecoupled())
      throw error(dir, "model_transaction_policy.decoupled is not supported (every request gets exactly one response)");
    if (b.getInputCount() == 0) throw error(dir, "declares no input");
    if (b.getOutputCount() == 0) throw error(dir, "declares no output");
    checkInputs(b.getInputList(), dir);
    checkOutputs(b.getOutputList(), dir);
    checkEnsemble(b, dir);
    checkSequence(b, dir);
    checkBatching(b, dir);
    checkInstanceGroups(b, dir);
    checkSessionParameters(b, dir);
    var replicas = io.inferencia.gpu.placement.ReplicaPolicy.check(b.getParametersMap());
    if (replicas.isPresent()) throw error(dir, replicas.get());
    checkOptimization(b, dir);
    checkWarmup(b, dir);
    return b.build();
  }

  private static void checkInputs(List<ModelInput> inputs, String dir) throws ModelConfigException {
    Set<String> names = new HashSet<>();
    for (ModelInput in : inputs) {
      checkTensor("input", in.getName(), in.getDataType().name(), in.getDimsList(), names, dir);
      // Ragged batches need Triton's batch_input tensors and shape tensors its TensorRT backend; neither
      // exists here, so a config asking for them is refused rather than served as if it had not.
      if (in.getAllowRaggedBatch())
        throw error(dir, "input '" + in.getName() + "': allow_ragged_batch is not supported");
      if (in.getIsShapeTensor()) throw error(dir, "input '" + in.getName() + "': is_shape_tensor is not supported");
      if (in.hasReshape()) checkReshape(in.getName(), in.getDimsList(), in.getReshape().getShapeList(), dir);
    }
  }

  private static void checkOutputs(List<ModelOutput> outputs, String dir) throws ModelConfigException {
    Set<String> names = new HashSet<>();
    for (ModelOutput out : outputs) {
      checkTensor("output", out.getName(), out.getDataType().name(), out.getDimsList(), names, dir);
      if (out.getIsShapeTensor()) throw error(dir, "output '" + out.getName() + "': is_shape_tensor is not supported");
      if (out.hasReshape()) checkReshape(out.getName(), out.getDimsList(), out.getReshape().getShapeList(), dir);
    }
  }

  private static void checkTensor(
      String role, String name, String type, List<Long> dims, Set<String> names, String dir)
      throws ModelConfigException {
    if (name.isEmpty()) throw error(dir, "an " + role + " has no name");
    if (!names.add(name)) throw error(dir, role + " '" + name + "' is declared twice");
    if (DataType.fromConfigName(type).isEmpty()) throw error(dir, role + " '" + name + "' has no valid data_type");
    if (dims.isEmpty()) throw error(dir, role + " '" + name + "' has no dims");
    for (long d : dims)
      if (d < -1 || d == 0) throw error(dir, role + " '" + name + "' has invalid dimension " + d);
  }

  /** A reshape must keep the element count when both shapes are fully known. */
  private static void checkReshape(String name, List<Long> dims, List<Long> shape, String dir)
      throws ModelConfigException {
    if (dims.contains(-1L) || shape.contains(-1L)) return;
    long a = dims.stream().reduce(1L, (x, y) -> x * y);
    long b = shape.stream().reduce(1L, (x, y) -> x * y);
    if (a != b) throw error(dir, "reshape of '" + name + "' changes the element count from " + a + " to " + b);
  }

  /**
   * Triton's ensembles: platform "ensemble" with ensemble_scheduling, and nothing of a model that runs
   * itself (no backend, instance groups, warmup or cache: its steps' models have their own).
   */
  private static void checkEnsemble(ModelConfig.Builder b, String dir) throws ModelConfigException {
    boolean platform = b.getPlatform().equals(EnsembleGraph.PLATFORM);
    if (b.hasEnsembleScheduling() != platform)
      throw error(dir, platform ? "platform \"ensemble\" needs an ensemble_scheduling section"
          : "ensemble_scheduling needs platform \"ensemble\"");
    if (!platform) return;
    if (!b.getBackend().isEmpty()) throw error(dir, "an ensemble has no backend, got '" + b.getBackend() + "'");
    if (b.getInstanceGroupCount() > 0) throw error(dir, "an ensemble has no instance_group: its step models run on theirs");
    if (b.getResponseCache().getEnable())
      throw error(dir, "response_cache is not supported on an ensemble; enable it on its step models");
    try {
      EnsembleGraph.of(b.build());
    } catch (IllegalArgumentException e) {
      throw error(dir, e.getMessage());
    }
  }

  /** Triton's sequence batcher (see SequenceRules), on an ONNX model without a response cache or warmup. */
  private static void checkSequence(ModelConfig.Builder b, String dir) throws ModelConfigException {
    if (!b.hasSequenceBatching()) return;
    if (b.getBackend().endsWith("_pipeline"))
      throw error(dir, "sequence_batching is for ONNX models, not pipeline '" + b.getBackend() + "'");
    if (b.getResponseCache().getEnable()) throw error(dir, "response_cache cannot be used with sequence_batching");
    if (b.getModelWarmupCount() > 0) throw error(dir, "model_warmup cannot be used with sequence_batching");
    ModelParameter mode = b.getParametersMap().get(BatchingMode.PARAMETER);
    if (b.getMaxBatchSize() == 0 && mode != null && !mode.getStringValue().equalsIgnoreCase("off"))
      throw error(dir, "batching_mode '" + mode.getStringValue() + "' needs max_batch_size > 0");
    try {
      SequenceRules.check(b.build());
    } catch (IllegalArgumentException e) {
      throw error(dir, "sequence_batching: " + e.getMessage());
    }
  }

  private static void checkBatching(ModelConfig.Builder b, String dir) throws ModelConfigException {
    ModelParameter mode = b.getParametersMap().get(BatchingMode.PARAMETER);
    if (mode != null && !BatchingMode.isValid(mode.getStringValue()))
      throw error(dir, "batching_mode must be one of off, fixed, adaptive; got '" + mode.getStringValue() + "'");
    if (!b.hasDynamicBatching()) {
      // A sequence model's batchers get their dynamic batching from its strategy.
      if (mode != null && !mode.getStringValue().equalsIgnoreCase("off") && !b.hasSequenceBatching())
        throw error(dir, "batching_mode '" + mode.getStringValue() + "' needs a dynamic_batching section");
      return;
    }
    if (b.getMaxBatchSize() == 0) throw error(dir, "dynamic_batching needs max_batch_size > 0");
    ModelDynamicBatching db = b.getDynamicBatching();
    for (int p : db.getPreferredBatchSizeList())
      if (p < 1 || p > b.getMaxBatchSize())
        throw error(dir, "preferred_batch_size " + p + " is outside 1.." + b.getMaxBatchSize() + " (max_batch_size)");
    checkPriorities(db, dir);
    if (mode == null)
      b.putParameters(BatchingMode.PARAMETER, ModelParameter.newBuilder().setStringValue("fixed").build());
  }

  /** Triton's priority levels: 1 (highest) to priority_levels; the default and every per-level policy within. */
  private static void checkPriorities(ModelDynamicBatching db, String dir) throws ModelConfigException {
    long levels = db.getPriorityLevels();
    if (Long.compareUnsigned(levels, MAX_PRIORITY_LEVELS) > 0)
      throw error(dir, "priority_levels must be at most " + MAX_PRIORITY_LEVELS + ", got " + Long.toUnsignedString(levels));
    if (levels == 0) {
      if (db.getDefaultPriorityLevel() != 0 || db.getPriorityQueuePolicyCount() > 0)
        throw error(dir, "default_priority_level and priority_queue_policy need priority_levels > 0");
      return;
    }
    if (db.getDefaultPriorityLevel() < 1 || db.getDefaultPriorityLevel() > levels)
      throw error(dir, "default_priority_level must be in 1.." + levels + ", got " + db.getDefaultPriorityLevel());
    for (long level : db.getPriorityQueuePolicyMap().keySet())
      if (level < 1 || level > levels)
        throw error(dir, "priority_queue_policy level " + level + " is outside 1.." + levels);
  }

  private static void checkInstanceGroups(ModelConfig.Builder b, String dir) throws ModelConfigException {
    if (b.hasEnsembleScheduling()) return;
    if (b.getInstanceGroupCount() == 0) {
      b.addInstanceGroup(ModelInstanceGroup.newBuilder().setCount(1).setKind(ModelInstanceGroup.Kind.KIND_AUTO));
      return;
    }
    for (int i = 0; i < b.getInstanceGroupCount(); i++) {
      ModelInstanceGroup g = b.getInstanceGroup(i);
      if (g.getCount() < 0) throw error(dir, "instance_group count must be >= 1, got " + g.getCount());
      for (int gpu : g.getGpusList())
        if (gpu < 0) throw error(dir, "instance_group gpus must be >= 0, got " + gpu);
      if (g.getKind() == ModelInstanceGroup.Kind.KIND_CPU && g.getGpusCount() > 0)
        throw error(dir, "instance_group of kind KIND_CPU lists gpus " + g.getGpusList());
      if (g.getKind() == ModelInstanceGroup.Kind.KIND_MODEL)
        throw error(dir, "instance_group kind KIND_MODEL is not supported (KIND_AUTO, KIND_CPU or KIND_GPU)");
      if (g.getCount() == 0) b.setInstanceGroup(i, g.toBuilder().setCount(1));
    }
  }

  /** The onnxruntime backend's session parameters (see SessionTuning, CpuLayout) and our cpu_instances extension. */
  private static void checkSessionParameters(ModelConfig.Builder b, String dir) throws ModelConfigException {
    ModelParameter threads = b.getParametersMap().get(CpuLayout.THREADS_PARAMETER);
    if (threads != null) {
      String v = threads.getStringValue().trim();
      if (!v.matches("[0-9]{1,4}") || Integer.parseInt(v) < 1)
        throw error(dir, CpuLayout.THREADS_PARAMETER + " must be a positive integer, got '" + v + "'");
    }
    ModelParameter inter = b.getParametersMap().get(SessionTuning.INTER_OP_THREADS);
    if (inter != null) {
      String v = inter.getStringValue().trim();
      if (!v.matches("[0-9]{1,4}") || Integer.parseInt(v) < 1)
        throw error(dir, SessionTuning.INTER_OP_THREADS + " must be a positive integer, got '" + v + "'");
    }
    ModelParameter mode = b.getParametersMap().get(SessionTuning.EXECUTION_MODE);
    if (mode != null && !mode.getStringValue().trim().matches("[01]"))
      throw error(dir, SessionTuning.EXECUTION_MODE + " must be 0 (sequential) or 1 (parallel), got '" + mode.getStringValue() + "'");
    for (String flag : List.of(SessionTuning.MEM_ARENA, SessionTuning.MEM_PATTERN)) {
      ModelParameter f = b.getParametersMap().get(flag);
      if (f != null && !SessionTuning.isFlag(f.getStringValue().trim()))
        throw error(dir, flag + " must be 0 or 1, got '" + f.getStringValue() + "'");
    }
    ModelParameter instances = b.getParametersMap().get(CpuLayout.INSTANCES_PARAMETER);
    if (instances != null && !instances.getStringValue().trim().equalsIgnoreCase(CpuLayout.PER_CORE))
      throw error(dir, CpuLayout.INSTANCES_PARAMETER + " must be '" + CpuLayout.PER_CORE + "', got '"
          + instances.getStringValue() + "'");
  }

  /**
   * Triton's optimization policy: the onnxruntime backend's graph level applies; the rest (CUDA
   * graphs, TensorRT or OpenVINO accelerators, pinned memory, priorities, eager batching) this node
   * cannot honour, so a config asking for them is refused instead of served without them.
   */
  private static void checkOptimization(ModelConfig.Builder b, String dir) throws ModelConfigException {
    if (!b.hasOptimization()) return;
    if (ModelSource.isPipeline(b.build()))
      throw error(dir, "optimization is for ONNX models; a pipeline or ensemble runs on its models' settings");
    ModelOptimizationPolicy o = b.getOptimization();
    int level = o.getGraph().getLevel();
    if (level < -1 || level > 1)
      throw error(dir, "optimization graph level must be -1 (basic), 0 (all) or 1 (extended), got " + level);
    for (var field : o.getAllFields().keySet())
      if (!field.getName().equals("graph"))
        throw error(dir, "optimization." + field.getName() + " is not supported (only optimization.graph.level applies)");
  }

  /**
   * Triton's model_warmup: each sample feeds every required input, in the input's data type and with
   * its dims made concrete, from zeros, random values or a plain file name in the warmup directory.
   */
  private static void checkWarmup(ModelConfig.Builder b, String dir) throws ModelConfigException {
    if (b.getModelWarmupCount() > 0 && b.getBackend().endsWith("_pipeline"))
      throw error(dir, "model_warmup is for ONNX models; pipeline '" + b.getBackend() + "' warms the models it calls");
    if (b.getModelWarmupCount() > 0 && b.hasEnsembleScheduling())
      throw error(dir, "model_warmup is for ONNX models; an ensemble's step models warm themselves");
    int maxBatch = Math.max(1, b.getMaxBatchSize());
    for (ModelWarmup w : b.getModelWarmupList()) {
      if (w.getName().isEmpty()) throw error(dir, "a model_warmup sample has no name");
      String sample = "model_warmup '" + w.getName() + "'";
      if (w.getBatchSize() < 1 || w.getBatchSize() > maxBatch)
        throw error(dir, sample + " batch_size must be in 1.." + maxBatch + ", got " + w.getBatchSize());
      for (ModelInput in : b.getInputList())
        if (!in.getOptional() && !w.containsInputs(in.getName()))
          throw error(dir, sample + " has no data for input '" + in.getName() + "'");
      for (Map.Entry<String, ModelWarmup.Input> e : w.getInputsMap().entrySet()) {
        ModelInput in = b.getInputList().stream().filter(i -> i.getName().equals(e.getKey())).findFirst()
            .orElseThrow(() -> error(dir, sample + " feeds unknown input '" + e.getKey() + "'"));
        checkWarmupInput(sample, in, e.getValue(), dir);
      }
    }
  }

  private static void checkWarmupInput(String sample, ModelInput in, ModelWarmup.Input data, String dir)
      throws ModelConfigException {
    String what = sample + " input '" + in.getName() + "'";
    if (data.getDataType() != in.getDataType())
      throw error(dir, what + " is " + data.getDataType() + ", the input is " + in.getDataType());
    List<Long> dims = data.getDimsList();
    List<Long> declared = in.getDimsList();
    boolean fits = dims.size() == declared.size();
    for (int i = 0; fits && i < dims.size(); i++)
      fits = dims.get(i) > 0 && (declared.get(i) == -1 || declared.get(i).equals(dims.get(i)));
    if (!fits) throw error(dir, what + " has dims " + dims + ", which do not fill the input's " + declared);
    switch (data.getInputDataTypeCase()) {
      case INPUT_DATA_FILE -> {
        String file = data.getInputDataFile();
        if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.equals("..") || file.equals("."))
          throw error(dir, what + " input_data_file must be a file name in the model's warmup directory, got '" + file + "'");
      }
      case INPUTDATATYPE_NOT_SET -> throw error(dir, what + " needs zero_data, random_data or input_data_file");
      default -> { }
    }
  }

  private static ModelConfigException error(String dir, String message) {
    return new ModelConfigException("config.pbtxt of '" + dir + "': " + message);
  }
}

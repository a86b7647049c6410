package io.inferencia.gpu.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ModelConfigParserTest {
  private static final String MINIMAL = TestModels.minimalConfig(8);

  @ParameterizedTest
  @ValueSource(strings = {"ocr", "ocr_cls", "ocr_det", "ocr_rec", "vad", "vad_segments", "vad_stream"})
  void everyShippedConfigParses(String model) throws Exception {
    Path file = TestModels.repository().resolve(model).resolve("config.pbtxt");
    ModelConfig config = ModelConfigParser.parseFile(file, model);
    assertEquals(model, config.getName());
    assertTrue(config.getInstanceGroup(0).getCount() >= 1);
  }

  @Test
  void shippedBatchingModes() throws Exception {
    assertEquals(BatchingMode.ADAPTIVE, BatchingMode.of(parseShipped("ocr_rec")));
    assertEquals(BatchingMode.FIXED, BatchingMode.of(parseShipped("ocr_det")));
    assertEquals(BatchingMode.OFF, BatchingMode.of(parseShipped("vad")));
    assertEquals(0, parseShipped("vad").getInput(2).getReshape().getShapeCount());
  }

  @Test
  void acceptsATransactionPolicyThatIsNotDecoupled() throws Exception {
    ModelConfig config = ModelConfigParser.parse(MINIMAL + "model_transaction_policy { decoupled: false }", "m");
    assertEquals(false, config.getModelTransactionPolicy().getDecoupled());
  }

  @Test
  void fillsDefaults() throws Exception {
    ModelConfig config = ModelConfigParser.parse(MINIMAL, "m");
    assertEquals("m", config.getName());
    assertEquals(1, config.getInstanceGroupCount());
    assertEquals(1, config.getInstanceGroup(0).getCount());
    assertEquals(BatchingMode.OFF, BatchingMode.of(config));
    ModelConfig batched = ModelConfigParser.parse(MINIMAL + "dynamic_batching { }", "m");
    assertEquals(BatchingMode.FIXED, BatchingMode.of(batched));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "syntax error | max_batch_size: 8 input [ { name: \"x\" | does not parse",
      "unknown field | max_batch_size: 8 colour: 3 | does not parse",
      "field twice | max_batch_size: 8 max_batch_size: 4 | cannot be overwritten",
      "ragged | max_batch_size: 8 input [ { name: \"x\" data_type: TYPE_FP32 dims: [ 2 ] allow_ragged_batch: true } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | allow_ragged_batch is not supported",
      "shape tensor | max_batch_size: 8 input [ { name: \"x\" data_type: TYPE_INT32 dims: [ 2 ] is_shape_tensor: true } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | is_shape_tensor is not supported",
      "decoupled | model_transaction_policy { decoupled: true } max_batch_size: 8 input [ { name: \"x\" data_type: TYPE_FP32 dims: [ 2 ] } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | model_transaction_policy.decoupled is not supported",
      "runtime | runtime: \"model.py\" max_batch_size: 8 input [ { name: \"x\" data_type: TYPE_FP32 dims: [ 2 ] } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | runtime 'model.py' is not supported",
      "wrong name | name: \"other\" max_batch_size: 8 | does not match its directory",
      "negative max batch | max_batch_size: -1 | max_batch_size must be >= 0",
      "missing dims | max_batch_size: 8 input [ { name: \"x\" data_type: TYPE_FP32 } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | has no dims",
      "missing data_type | max_batch_size: 8 input [ { name: \"x\" dims: [ 2 ] } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | no valid data_type",
      "missing input name | max_batch_size: 8 input [ { data_type: TYPE_FP32 dims: [ 2 ] } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | has no name",
      "no outputs | max_batch_size: 8 input [ { name: \"x\" data_type: TYPE_FP32 dims: [ 2 ] } ] | declares no output",
      "no inputs | max_batch_size: 8 output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | declares no input",
      "input twice | max_batch_size: 8 input [ { name: \"x\" data_type: TYPE_FP32 dims: [ 2 ] }, { name: \"x\" data_type: TYPE_FP32 dims: [ 2 ] } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | input 'x' is declared twice",
      "zero dim | max_batch_size: 8 input [ { name: \"x\" data_type: TYPE_FP32 dims: [ 2, 0 ] } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | has invalid dimension 0",
      "dim below -1 | max_batch_size: 8 input [ { name: \"x\" data_type: TYPE_FP32 dims: [ -2 ] } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | has invalid dimension -2",
      "unknown data_type | max_batch_size: 8 input [ { name: \"x\" data_type: TYPE_COMPLEX dims: [ 2 ] } ] output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ] | does not parse",
  })
  void rejectsMalformedConfigs(String label, String text, String expected) {
    assertRejected(text, expected, label);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "bad batching_mode | dynamic_batching { } parameters { key: \"batching_mode\" value: { string_value: \"greedy\" } } | batching_mode must be one of",
      "preferred above max | dynamic_batching { preferred_batch_size: [ 16 ] } | preferred_batch_size 16 is outside 1..8",
      "adaptive without batching | parameters { key: \"batching_mode\" value: { string_value: \"adaptive\" } } | needs a dynamic_batching section",
      "negative count | instance_group [ { count: -2 } ] | count must be >= 1",
      "preferred zero | dynamic_batching { preferred_batch_size: [ 0 ] } | preferred_batch_size 0 is outside 1..8",
      "negative gpu | instance_group [ { count: 1 kind: KIND_GPU gpus: [ -1 ] } ] | gpus must be >= 0",
      "gpus on cpu | instance_group [ { count: 1 kind: KIND_CPU gpus: [ 0 ] } ] | KIND_CPU lists gpus",
      "kind model | instance_group [ { count: 1 kind: KIND_MODEL } ] | KIND_MODEL is not supported",
      "bad timeout_action | dynamic_batching { default_queue_policy { timeout_action: DROP } } | does not parse",
      "default level without levels | dynamic_batching { default_priority_level: 1 } | need priority_levels > 0",
      "default level zero | dynamic_batching { priority_levels: 2 } | default_priority_level must be in 1..2, got 0",
      "default level above | dynamic_batching { priority_levels: 2 default_priority_level: 3 } | default_priority_level must be in 1..2, got 3",
      "policy level outside | dynamic_batching { priority_levels: 2 default_priority_level: 1 priority_queue_policy { key: 3 value: { } } } | priority_queue_policy level 3 is outside 1..2",
      "too many levels | dynamic_batching { priority_levels: 5000 default_priority_level: 1 } | priority_levels must be at most 1024",
      "zero threads | parameters { key: \"intra_op_thread_count\" value: { string_value: \"0\" } } | intra_op_thread_count must be a positive integer",
      "word threads | parameters { key: \"intra_op_thread_count\" value: { string_value: \"many\" } } | intra_op_thread_count must be a positive integer",
      "unknown cpu_instances | parameters { key: \"cpu_instances\" value: { string_value: \"lots\" } } | cpu_instances must be 'per_core'",
      "zero inter-op threads | parameters { key: \"inter_op_thread_count\" value: { string_value: \"0\" } } | inter_op_thread_count must be a positive integer",
      "execution mode 2 | parameters { key: \"execution_mode\" value: { string_value: \"2\" } } | execution_mode must be 0 (sequential) or 1 (parallel)",
      "arena maybe | parameters { key: \"enable_mem_arena\" value: { string_value: \"maybe\" } } | enable_mem_arena must be 0 or 1",
      "graph level 2 | optimization { graph { level: 2 } } | graph level must be -1 (basic), 0 (all) or 1 (extended), got 2",
      "tensorrt | optimization { execution_accelerators { gpu_execution_accelerator [ { name: \"tensorrt\" } ] } } | optimization.execution_accelerators is not supported",
      "cuda graphs | optimization { graph { level: 1 } cuda { graphs: true } } | optimization.cuda is not supported",
      "pinned memory | optimization { input_pinned_memory { enable: false } } | optimization.input_pinned_memory is not supported",
      "eager batching | optimization { eager_batching: true } | optimization.eager_batching is not supported",
      "pattern 2 | parameters { key: \"enable_mem_pattern\" value: { string_value: \"2\" } } | enable_mem_pattern must be 0 or 1",
  })
  void rejectsBadBatchingAndInstances(String label, String extra, String expected) {
    assertRejected(MINIMAL + extra, expected, label);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no name | batch_size: 1 inputs { key: \"x\" value: { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } | has no name",
      "batch zero | name: \"w\" inputs { key: \"x\" value: { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } | batch_size must be in 1..8, got 0",
      "batch above max | name: \"w\" batch_size: 9 inputs { key: \"x\" value: { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } | batch_size must be in 1..8, got 9",
      "missing input | name: \"w\" batch_size: 1 | has no data for input 'x'",
      "unknown input | name: \"w\" batch_size: 1 inputs { key: \"x\" value: { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } inputs { key: \"z\" value: { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } | feeds unknown input 'z'",
      "wrong type | name: \"w\" batch_size: 1 inputs { key: \"x\" value: { data_type: TYPE_INT64 dims: [ 3 ] zero_data: true } } | is TYPE_INT64, the input is TYPE_FP32",
      "wrong dims | name: \"w\" batch_size: 1 inputs { key: \"x\" value: { data_type: TYPE_FP32 dims: [ 4 ] zero_data: true } } | do not fill the input's [3]",
      "no data | name: \"w\" batch_size: 1 inputs { key: \"x\" value: { data_type: TYPE_FP32 dims: [ 3 ] } } | needs zero_data, random_data or input_data_file",
      "path outside | name: \"w\" batch_size: 1 inputs { key: \"x\" value: { data_type: TYPE_FP32 dims: [ 3 ] input_data_file: \"../x.bin\" } } | must be a file name in the model's warmup directory",
  })
  void rejectsMalformedWarmupSamples(String label, String sample, String expected) {
    String text = MINIMAL + "model_warmup [ { " + sample + " } ]";
    assertRejected(text, expected, label);
  }

  @Test
  void rejectsWarmupOnAPipeline() {
    String text = MINIMAL + """
        backend: "ocr_pipeline"
        model_warmup [ { name: "w" batch_size: 1 inputs { key: "x" value: { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } } ]
        """;
    assertRejected(text, "model_warmup is for ONNX models", "pipeline");
  }

  @Test
  void acceptsWarmupWithConcreteDimsForVariableOnes() throws Exception {
    String text = MINIMAL.replace("dims: [ 3 ] }", "dims: [ -1 ] }") + """
        model_warmup [ { name: "w" batch_size: 8 count: 3
          inputs { key: "x" value: { data_type: TYPE_FP32 dims: [ 5 ] random_data: true } } } ]
        """;
    ModelConfig c = ModelConfigParser.parse(text, "m");
    assertEquals(3, c.getModelWarmup(0).getCount());
    assertEquals(java.util.List.of(5L), c.getModelWarmup(0).getInputsOrThrow("x").getDimsList());
  }

  @Test
  void readsEveryFieldOfAFullConfig() throws Exception {
    ModelConfig c = ModelConfigParser.parse("""
        name: "full"
        platform: "onnxruntime_onnx"
        max_batch_size: 16
        version_policy { specific { versions: [ 1, 3 ] } }
        input [ { name: "image" data_type: TYPE_UINT8 format: FORMAT_NCHW dims: [ 3, -1, -1 ] } ]
        output [ { name: "scores" data_type: TYPE_FP16 dims: [ -1 ] } ]
        instance_group [ { count: 2 kind: KIND_GPU gpus: [ 0, 1 ] }, { count: 3 kind: KIND_CPU } ]
        dynamic_batching {
          preferred_batch_size: [ 4, 8 ]
          max_queue_delay_microseconds: 1500
          default_queue_policy { max_queue_size: 100 default_timeout_microseconds: 250000 timeout_action: DELAY }
        }
        """, "full");
    assertEquals("onnxruntime_onnx", c.getPlatform());
    assertEquals(16, c.getMaxBatchSize());
    assertEquals(java.util.List.of(1L, 3L), c.getVersionPolicy().getSpecific().getVersionsList());
    assertEquals(java.util.List.of(3L, -1L, -1L), c.getInput(0).getDimsList());
    assertEquals(io.inferencia.protocols.modelconfig.DataType.TYPE_UINT8, c.getInput(0).getDataType());
    assertEquals(io.inferencia.protocols.modelconfig.DataType.TYPE_FP16, c.getOutput(0).getDataType());
    assertEquals(2, c.getInstanceGroupCount());
    assertEquals(java.util.List.of(0, 1), c.getInstanceGroup(0).getGpusList());
    assertEquals(io.inferencia.protocols.modelconfig.ModelInstanceGroup.Kind.KIND_CPU, c.getInstanceGroup(1).getKind());
    assertEquals(3, c.getInstanceGroup(1).getCount());
    var db = c.getDynamicBatching();
    assertEquals(java.util.List.of(4, 8), db.getPreferredBatchSizeList());
    assertEquals(1500, db.getMaxQueueDelayMicroseconds());
    assertEquals(100, db.getDefaultQueuePolicy().getMaxQueueSize());
    assertEquals(250000, db.getDefaultQueuePolicy().getDefaultTimeoutMicroseconds());
    assertEquals(io.inferencia.protocols.modelconfig.ModelQueuePolicy.TimeoutAction.DELAY, db.getDefaultQueuePolicy().getTimeoutAction());
    assertEquals(BatchingMode.FIXED, BatchingMode.of(c));
    assertTrue(ModelConfigParser.parse(MINIMAL + "version_policy { latest { num_versions: 2 } }", "m").getVersionPolicy().hasLatest());
    assertTrue(ModelConfigParser.parse(MINIMAL + "version_policy { all { } }", "m").getVersionPolicy().hasAll());
  }

  @Test
  void rejectsDynamicBatchingWithoutBatchDimension() {
    String text = MINIMAL.replace("max_batch_size: 8", "max_batch_size: 0") + "dynamic_batching { }";
    assertRejected(text, "needs max_batch_size > 0", "");
  }

  @Test
  void rejectsReshapeChangingElementCount() {
    String text = MINIMAL.replace("dims: [ 3 ] }", "dims: [ 3 ] reshape: { shape: [ 2, 2 ] } }");
    assertRejected(text, "changes the element count", "");
  }

  private static void assertRejected(String text, String expected, String label) {
    ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigParser.parse(text, "m"));
    assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
  }

  private static ModelConfig parseShipped(String model) throws Exception {
    return ModelConfigParser.parseFile(TestModels.repository().resolve(model).resolve("config.pbtxt"), model);
  }

  @Test
  void readsReplicaParametersAndRefusesBadOnes() throws Exception {
    String ok = MINIMAL + param("min_replicas", "0") + param("max_replicas", "3") + param("target_in_flight", "4")
        + param("memory_bytes", "64MiB") + param("idle_after", "30s") + param("load_wait", "2m");
    var defaults = new io.inferencia.gpu.placement.PlacementSettings(0, java.time.Duration.ofSeconds(60),
        java.time.Duration.ofMinutes(5), 1, 1, 4, 2,
        java.time.Duration.ofSeconds(10), java.time.Duration.ofMinutes(5), 4);
    var policy = io.inferencia.gpu.placement.ReplicaPolicy.of(ModelConfigParser.parse(ok, "m"), defaults);
    assertEquals(new io.inferencia.protocols.placement.ScalingPolicy(0, 3, 4), policy.scaling());
    assertEquals(64L << 20, policy.declaredBytes());
    assertEquals(java.time.Duration.ofSeconds(30), policy.idleAfter());
    assertEquals(java.time.Duration.ofMinutes(2), policy.loadWait());
    var plain = io.inferencia.gpu.placement.ReplicaPolicy.of(ModelConfigParser.parse(MINIMAL, "m"), defaults);
    assertEquals(new io.inferencia.protocols.placement.ScalingPolicy(1, 4, 2), plain.scaling());

    refused(param("min_replicas", "-1"), "min_replicas must be >= 0");
    refused(param("min_replicas", "two"), "min_replicas must be a whole number");
    refused(param("min_replicas", "3") + param("max_replicas", "2"), "must not exceed max_replicas");
    refused(param("max_replicas", "0"), "max_replicas must be >= 1");
    refused(param("target_in_flight", "0"), "target_in_flight must be >= 1");
    refused(param("memory_bytes", "lots"), "memory_bytes must be a size");
    refused(param("load_wait", "0s"), "load_wait must be longer than zero");
    refused(param("idle_after", "soon"), "is not a duration");
  }

  private static String param(String key, String value) {
    return "\nparameters { key: \"" + key + "\" value: { string_value: \"" + value + "\" } }";
  }

  private static void refused(String parameters, String text) {
    ModelConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ModelConfigException.class,
        () -> ModelConfigParser.parse(MINIMAL + parameters, "m"));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(text), e.getMessage());
  }
}

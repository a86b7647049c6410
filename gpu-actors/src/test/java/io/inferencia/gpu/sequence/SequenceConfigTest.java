package io.inferencia.gpu.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.repository.BatchingMode;
import io.inferencia.gpu.repository.ModelConfigException;
import io.inferencia.gpu.repository.ModelConfigParser;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelInput;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** sequence_batching through the strict parser, and the batcher config derived from it. */
class SequenceConfigTest {
  private static final String HEAD = """
      backend: "onnxruntime"
      max_batch_size: 4
      input [ { name: "X" data_type: TYPE_FP32 dims: [ 1 ] } ]
      output [ { name: "Y" data_type: TYPE_FP32 dims: [ 1 ] } ]
      """;

  @Test
  void theBatchersSeeControlsAndStatesAsTensorsAndTheStrategyAsDynamicBatching() throws Exception {
    ModelConfig config = ModelConfigParser.parse(SequenceBatchingTest.ACC, "acc");
    SequencePlan plan = new SequencePlan(config);
    ModelConfig batcher = plan.batcherConfig();
    assertEquals(List.of("X", "START", "END", "CORRID", "STATE"), batcher.getInputList().stream().map(ModelInput::getName).toList());
    assertEquals("TYPE_INT64", batcher.getInput(3).getDataType().name());
    assertTrue(batcher.getOutputList().stream().anyMatch(o -> o.getName().equals("STATE_OUT")));
    assertEquals(List.of(4, 8), batcher.getDynamicBatching().getPreferredBatchSizeList());
    assertEquals(20000, batcher.getDynamicBatching().getMaxQueueDelayMicroseconds());
    assertEquals(BatchingMode.FIXED, BatchingMode.of(batcher));
    assertTrue(!batcher.hasSequenceBatching());
    assertEquals(java.time.Duration.ofMillis(300), plan.idleTimeout());
    Tensor state = plan.initialState().get("STATE");
    assertEquals(List.of(1L, 1L), java.util.Arrays.stream(state.shape()).boxed().toList(), "one item of dims [1]");
    List<Tensor> controls = plan.controls(new SequenceId("42"), true, false);
    assertEquals(List.of("START", "END", "CORRID"), controls.stream().map(Tensor::name).toList());
    assertEquals(42L, controls.get(2).asLongs()[0]);
  }

  @Test
  void defaultsApplyWithoutAStrategy() throws Exception {
    ModelConfig config = ModelConfigParser.parse(HEAD + """
        sequence_batching { state [ { input_name: "S" output_name: "S_OUT" data_type: TYPE_FP32 dims: [ 3 ] } ] }
        """, "m");
    SequencePlan plan = new SequencePlan(config);
    assertEquals(java.time.Duration.ofSeconds(1), plan.idleTimeout(), "Triton's default idle limit");
    assertEquals(0, plan.maxActiveSequences());
    assertTrue(plan.batcherConfig().hasDynamicBatching());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "two controls | control_input [ { name: \"S\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] }, { kind: CONTROL_SEQUENCE_END int32_false_true: [ 0, 1 ] } ] } ] | must have exactly one control",
      "kind twice | control_input [ { name: \"S\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] } ] }, { name: \"T\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] } ] } ] | control kind CONTROL_SEQUENCE_START is given twice",
      "name clash | control_input [ { name: \"X\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] } ] } ] | control_input 'X' clashes",
      "no false true | control_input [ { name: \"S\" control [ { kind: CONTROL_SEQUENCE_READY } ] } ] | needs exactly one of int32_false_true",
      "three values | control_input [ { name: \"S\" control [ { kind: CONTROL_SEQUENCE_END fp32_false_true: [ 0, 1, 2 ] } ] } ] | must have 2 values, got 3",
      "corrid list | control_input [ { name: \"C\" control [ { kind: CONTROL_SEQUENCE_CORRID int32_false_true: [ 0, 1 ] data_type: TYPE_INT64 } ] } ] | takes a data_type",
      "corrid float | control_input [ { name: \"C\" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_FP32 } ] } ] | data_type must be TYPE_UINT64",
      "state clash | state [ { input_name: \"X\" output_name: \"S_OUT\" data_type: TYPE_FP32 dims: [ 1 ] } ] | state input 'X' clashes",
      "state output clash | state [ { input_name: \"S\" output_name: \"Y\" data_type: TYPE_FP32 dims: [ 1 ] } ] | state output 'Y' clashes",
      "state no output | state [ { input_name: \"S\" data_type: TYPE_FP32 dims: [ 1 ] } ] | needs both input_name and output_name",
      "variable state | state [ { input_name: \"S\" output_name: \"S_OUT\" data_type: TYPE_FP32 dims: [ -1 ] } ] | needs an initial_state with concrete dims",
      "data file | state [ { input_name: \"S\" output_name: \"S_OUT\" data_type: TYPE_FP32 dims: [ 1 ] initial_state [ { data_type: TYPE_FP32 dims: [ 1 ] data_file: \"s.bin\" name: \"i\" } ] } ] | data_file is not supported",
      "initial wrong dims | state [ { input_name: \"S\" output_name: \"S_OUT\" data_type: TYPE_FP32 dims: [ -1 ] initial_state [ { data_type: TYPE_FP32 dims: [ 0 ] zero_data: true name: \"i\" } ] } ] | do not fill the state's [-1]",
      "growable | state [ { input_name: \"S\" output_name: \"S_OUT\" data_type: TYPE_FP32 dims: [ 1 ] use_growable_memory: true } ] | use_growable_memory are not supported",
      "iterative | iterative_sequence: true | iterative_sequence is not supported",
      "slot utilization | direct { minimum_slot_utilization: 0.5 } | minimum_slot_utilization is not supported",
      "preferred above max | oldest { preferred_batch_size: [ 16 ] } | preferred_batch_size 16 is outside 1..4",
  })
  void rejectsSequenceBatchingTheServerCannotHonour(String label, String body, String expected) {
    String text = HEAD + "sequence_batching { " + body + " }";
    ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigParser.parse(text, "m"));
    assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "with dynamic batching | dynamic_batching { } sequence_batching { } | another member of oneof",
      "with cache | response_cache { enable: true } sequence_batching { } | response_cache cannot be used with sequence_batching",
      "on a pipeline | sequence_batching { } | is for ONNX models",
  })
  void rejectsSequenceBatchingBesideWhatItExcludes(String label, String extra, String expected) {
    String head = label.equals("on a pipeline") ? HEAD.replace("onnxruntime", "ocr_pipeline") : HEAD;
    ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigParser.parse(head + extra, "m"));
    assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
  }
}

package io.inferencia.gpu.pipeline.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.repository.ModelConfigException;
import io.inferencia.gpu.repository.ModelConfigParser;
import io.inferencia.gpu.repository.ModelSource;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelEnsembling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ensemble configs through the strict parser: the dataflow rules Triton applies to ensemble_scheduling. */
class EnsembleConfigTest {
  private static final String HEAD = """
      platform: "ensemble"
      max_batch_size: 8
      input [ { name: "IN" data_type: TYPE_FP32 dims: [ 3 ] } ]
      output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
      """;

  static String step(String model, String inputs, String outputs) {
    return "{ model_name: \"" + model + "\" model_version: -1 " + inputs + " " + outputs + " }";
  }

  static String in(String key, String value) {
    return "input_map { key: \"" + key + "\" value: \"" + value + "\" }";
  }

  static String out(String key, String value) {
    return "output_map { key: \"" + key + "\" value: \"" + value + "\" }";
  }

  private static String ensemble(String... steps) {
    return HEAD + "ensemble_scheduling { step [ " + String.join(", ", steps) + " ] }\n";
  }

  @Test
  void stepsAreOrderedByTheTensorsTheyConsume() throws Exception {
    // Declared consumer first: the graph still runs "a" before "b".
    String text = ensemble(step("b", in("x", "MID"), out("y", "OUT")), step("a", in("x", "IN"), out("y", "MID")));
    ModelConfig config = ModelConfigParser.parse(text, "e");
    assertTrue(ModelSource.isPipeline(config));
    assertEquals("ensemble", ModelSource.pipelineKind(config));
    assertEquals(0, config.getInstanceGroupCount(), "an ensemble gets no instance group of its own");
    assertEquals(java.util.List.of("a", "b"),
        EnsembleGraph.of(config).order().stream().map(ModelEnsembling.Step::getModelName).toList());
  }

  @Test
  void independentStepsMayShareAnInput() throws Exception {
    String text = HEAD.replace("output [", "output [ { name: \"OTHER\" data_type: TYPE_FP32 dims: [ 2 ] },")
        + "ensemble_scheduling { step [ " + step("a", in("x", "IN"), out("y", "OUT")) + ", "
        + step("b", in("x", "IN"), out("y", "OTHER")) + " ] }";
    assertEquals(2, EnsembleGraph.of(ModelConfigParser.parse(text, "e")).order().size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no section | | needs an ensemble_scheduling section",
      "no steps | ensemble_scheduling { } | ensemble_scheduling has no step",
      "no model name | ensemble_scheduling { step [ { input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | step 1 has no model_name",
      "calls itself | ensemble_scheduling { step [ { model_name: \"e\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | calls the ensemble itself",
      "namespace | ensemble_scheduling { step [ { model_name: \"a\" model_namespace: \"n\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | model_namespace is not supported",
      "bad version | ensemble_scheduling { step [ { model_name: \"a\" model_version: -3 input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | model_version must be -1 (latest) or a version number, got -3",
      "empty input map | ensemble_scheduling { step [ { model_name: \"a\" output_map { key: \"y\" value: \"OUT\" } } ] } | has an empty input_map",
      "empty output map | ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } } ] } | has an empty output_map",
      "unknown tensor | ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"NOPE\" } output_map { key: \"y\" value: \"OUT\" } } ] } | consumes 'NOPE', which is neither an ensemble input nor produced by any step",
      "output missing | ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"MID\" } } ] } | ensemble output 'OUT' is not produced by any step",
      "produces input | ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } output_map { key: \"z\" value: \"IN\" } } ] } | produces 'IN', which is an ensemble input",
      "produced twice | ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } }, { model_name: \"b\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | tensor 'OUT' is produced by both step 1 (model 'a') and step 2 (model 'b')",
      "cycle | ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } input_map { key: \"w\" value: \"B\" } output_map { key: \"y\" value: \"A\" } }, { model_name: \"b\" input_map { key: \"x\" value: \"A\" } output_map { key: \"y\" value: \"B\" } output_map { key: \"z\" value: \"OUT\" } } ] } | the steps form a cycle: step 1 (model 'a'), step 2 (model 'b')",
      "consumes itself | ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } input_map { key: \"w\" value: \"OUT2\" } output_map { key: \"y\" value: \"OUT\" } output_map { key: \"z\" value: \"OUT2\" } } ] } | the steps form a cycle",
      "with backend | backend: \"onnxruntime\" ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | an ensemble has no backend",
      "with instances | instance_group [ { count: 1 } ] ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | an ensemble has no instance_group",
      "with optimization | optimization { graph { level: 1 } } ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | optimization is for ONNX models",
      "with cache | response_cache { enable: true } ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | response_cache is not supported on an ensemble",
      "with batching | dynamic_batching { } ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | another member of oneof",
      "with warmup | model_warmup [ { name: \"w\" batch_size: 1 inputs { key: \"IN\" value: { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } } ] ensemble_scheduling { step [ { model_name: \"a\" input_map { key: \"x\" value: \"IN\" } output_map { key: \"y\" value: \"OUT\" } } ] } | an ensemble's step models warm themselves",
  })
  void rejectsBrokenEnsembles(String label, String body, String expected) {
    String text = HEAD + (body == null ? "" : body);
    ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigParser.parse(text, "e"));
    assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
  }

  @Test
  void unusedEnsembleInputIsRefused() {
    String text = HEAD.replace("input [", "input [ { name: \"SPARE\" data_type: TYPE_FP32 dims: [ 3 ] },")
        + "ensemble_scheduling { step [ " + step("a", in("x", "IN"), out("y", "OUT")) + " ] }";
    ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigParser.parse(text, "e"));
    assertTrue(e.getMessage().contains("ensemble input 'SPARE' is not used by any step"), e.getMessage());
  }

  @Test
  void schedulingWithoutThePlatformIsRefused() {
    String text = HEAD.replace("platform: \"ensemble\"", "backend: \"onnxruntime\"")
        + "ensemble_scheduling { step [ " + step("a", in("x", "IN"), out("y", "OUT")) + " ] }";
    ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigParser.parse(text, "e"));
    assertTrue(e.getMessage().contains("ensemble_scheduling needs platform \"ensemble\""), e.getMessage());
    assertFalse(e.getMessage().isEmpty());
  }
}

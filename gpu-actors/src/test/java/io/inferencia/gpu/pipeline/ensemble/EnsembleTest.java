package io.inferencia.gpu.pipeline.ensemble;

import static io.inferencia.gpu.pipeline.ensemble.EnsembleConfigTest.in;
import static io.inferencia.gpu.pipeline.ensemble.EnsembleConfigTest.out;
import static io.inferencia.gpu.pipeline.ensemble.EnsembleConfigTest.step;
import static io.inferencia.gpu.testkit.Await.failure;
import static io.inferencia.gpu.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.pipeline.ocr.OcrPipelineFactory;
import io.inferencia.gpu.testkit.Await;
import io.inferencia.gpu.testkit.EchoPipelineFactory;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.gpu.testkit.TextPng;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ensembles over the shipped ONNX models and pipelines, served by a real inference core. */
class EnsembleTest {
  private static final String CLS_OUT = "softmax_0.tmp_0";
  private static final String REC_OUT = "softmax_11.tmp_0";

  private static ActorTestKit testKit;
  private static InferenceCore core;

  @BeforeAll
  static void start() throws Exception {
    Path repo = Files.createTempDirectory("ensemble-test");
    for (String m : List.of("ocr_det", "ocr_cls", "ocr_rec")) TestModels.addShipped(repo, m);
    TestModels.addModel(repo, "ocr", Files.readString(TestModels.repository().resolve("ocr/config.pbtxt")), null);
    TestModels.addModel(repo, "echo", EchoPipelineFactory.CONFIG, null);
    // Two independent steps on one request: the angle classifier and the recogniser.
    TestModels.addModel(repo, "cls_rec", """
        platform: "ensemble"
        max_batch_size: 4
        input [ { name: "LINE" data_type: TYPE_FP32 dims: [ 3, 48, -1 ] },
                { name: "WORD" data_type: TYPE_FP32 dims: [ 3, 48, -1 ] } ]
        output [ { name: "ANGLE" data_type: TYPE_FP32 dims: [ 2 ] },
                 { name: "CHARS" data_type: TYPE_FP32 dims: [ -1, 6625 ] } ]
        ensemble_scheduling { step [
        """ + step("ocr_cls", in("x", "LINE"), out(CLS_OUT, "ANGLE")) + ",\n"
        + step("ocr_rec", in("x", "WORD"), out(REC_OUT, "CHARS")) + " ] }\n", null);
    // A chain: the OCR pipeline's text feeds the echo pipeline.
    TestModels.addModel(repo, "read_aloud", """
        platform: "ensemble"
        max_batch_size: 0
        input [ { name: "PICTURE" data_type: TYPE_STRING dims: [ 1 ] } ]
        output [ { name: "SHOUTED" data_type: TYPE_STRING dims: [ -1 ] } ]
        ensemble_scheduling { step [
        """ + step("echo", in("TEXT", "LINES"), out("TEXT", "SHOUTED")) + ",\n"
        + step("ocr", in("IMAGE", "PICTURE"), out("TEXT", "LINES")) + " ] }\n", null);
    TestModels.addModel(repo, "to_missing", single("nope", "x", "IN", CLS_OUT, 4, "TYPE_FP32"), null);
    TestModels.addModel(repo, "to_wrong_input", single("ocr_cls", "image", "IN", CLS_OUT, 4, "TYPE_FP32"), null);
    TestModels.addModel(repo, "to_wrong_output", single("ocr_cls", "x", "IN", "probs", 4, "TYPE_FP32"), null);
    TestModels.addModel(repo, "to_wrong_type", single("ocr_cls", "x", "IN", CLS_OUT, 4, "TYPE_INT64"), null);
    TestModels.addModel(repo, "to_big_batch", single("ocr_cls", "x", "IN", CLS_OUT, 128, "TYPE_FP32"), null);
    TestModels.addModel(repo, "to_absent_version", single("ocr_cls", "x", "IN", CLS_OUT, 4, "TYPE_FP32")
        .replace("model_version: -1", "model_version: 7"), null);
    TestModels.addModel(repo, "loop_a", loop("loop_b"), null);
    TestModels.addModel(repo, "loop_b", loop("loop_a"), null);
    var config = TestModels.config(repo);
    testKit = ActorTestKit.create(config);
    core = InferenceCore.start(testKit.system(), config, List.of(new OcrPipelineFactory(), new EchoPipelineFactory()));
    Await.settled(core.gateway());
  }

  /** One step model's input {@code input} fed from IN, its output {@code output} as OUT. */
  private static String single(String model, String input, String ensembleIn, String output, int maxBatch, String type) {
    return "platform: \"ensemble\"\nmax_batch_size: " + maxBatch + "\n"
        + "input [ { name: \"" + ensembleIn + "\" data_type: " + type + " dims: [ 3, 48, 192 ] } ]\n"
        + "output [ { name: \"OUT\" data_type: TYPE_FP32 dims: [ 2 ] } ]\n"
        + "ensemble_scheduling { step [ " + step(model, in(input, ensembleIn), out(output, "OUT")) + " ] }\n";
  }

  private static String loop(String other) {
    return "platform: \"ensemble\"\nmax_batch_size: 0\n"
        + "input [ { name: \"TEXT\" data_type: TYPE_STRING dims: [ -1 ] } ]\n"
        + "output [ { name: \"TEXT_OUT\" data_type: TYPE_STRING dims: [ -1 ] } ]\n"
        + "ensemble_scheduling { step [ " + step(other, in("TEXT", "TEXT"), out("TEXT_OUT", "TEXT_OUT")) + " ] }\n";
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void independentStepsGiveWhatTheirModelsGiveAlone() {
    Tensor line = TestModels.randomFloats("LINE", new long[] {2, 3, 48, 192}, 1);
    Tensor word = TestModels.randomFloats("WORD", new long[] {2, 3, 48, 320}, 2);
    InferResponse both = result(core.gateway().infer(new InferRequest("cls_rec", "", "req-9", List.of(line, word),
        List.of(), Map.of(), 0)));
    assertEquals("req-9", both.id());
    assertEquals(List.of("ANGLE", "CHARS"), both.outputs().stream().map(Tensor::name).toList());
    Tensor angle = both.output("ANGLE").orElseThrow();
    Tensor chars = both.output("CHARS").orElseThrow();
    Tensor cls = direct("ocr_cls", line, CLS_OUT);
    Tensor rec = direct("ocr_rec", word, REC_OUT);
    assertArrayEquals(cls.shape(), angle.shape());
    assertArrayEquals(rec.shape(), chars.shape());
    assertArrayEquals(cls.asFloats(), angle.asFloats(), 1e-4f);
    assertArrayEquals(rec.asFloats(), chars.asFloats(), 1e-4f);
  }

  @Test
  void requestedOutputsLeaveTheRestOut() {
    Tensor line = TestModels.randomFloats("LINE", new long[] {1, 3, 48, 192}, 3);
    Tensor word = TestModels.randomFloats("WORD", new long[] {1, 3, 48, 100}, 4);
    InferResponse r = result(core.gateway().infer(new InferRequest("cls_rec", "", "", List.of(line, word),
        List.of("ANGLE"), Map.of(), 0)));
    assertEquals(List.of("ANGLE"), r.outputs().stream().map(Tensor::name).toList());
  }

  @Test
  void aStepFedTheOutputOfAnotherRunsAfterIt() throws Exception {
    Tensor picture = Tensor.ofBytes("PICTURE", new long[] {1}, List.of(TextPng.of("pekko")));
    InferResponse r = result(core.gateway().infer(InferRequest.of("read_aloud", List.of(picture))));
    assertEquals(List.of("PEKKO"), r.output("SHOUTED").orElseThrow().asStrings());
  }

  @Test
  void aStepModelsRejectionNamesTheEnsembleAndTheStep() {
    // The ensemble takes any width; ocr_cls takes 192 only, so its own check answers.
    Tensor line = TestModels.randomFloats("LINE", new long[] {1, 3, 48, 100}, 5);
    Tensor word = TestModels.randomFloats("WORD", new long[] {1, 3, 48, 100}, 6);
    failure(core.gateway().infer(InferRequest.of("cls_rec", List.of(line, word))), ErrorKind.INVALID_ARGUMENT,
        "ensemble 'cls_rec' step model 'ocr_cls': input 'x' has shape [1, 3, 48, 100]");
    // The ensemble's own inputs are checked before any step runs.
    failure(core.gateway().infer(InferRequest.of("cls_rec", List.of(line))), ErrorKind.INVALID_ARGUMENT,
        "input 'WORD' is missing for model 'cls_rec'");
  }

  @Test
  void readyEnsemblesReportTheirPlatform() {
    assertEquals("ensemble", result(core.gateway().metadata("cls_rec", "")).platform());
    assertEquals(ModelState.READY, entry("read_aloud").state());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "to_missing | step model 'nope' is not in the repository",
      "to_wrong_input | step model 'ocr_cls' has no input 'image' (input_map), expected one of [x]",
      "to_wrong_output | step model 'ocr_cls' has no output 'probs' (output_map)",
      "to_wrong_type | tensor 'IN' is TYPE_INT64 but input 'x' of step model 'ocr_cls' is TYPE_FP32",
      "to_big_batch | ensemble max_batch_size 128 exceeds step model 'ocr_cls' max_batch_size 64",
      "to_absent_version | step model 'ocr_cls' serves no version 7",
      "loop_a | ensemble 'loop_b', a step of this one, calls this ensemble back",
  })
  void ensemblesThatDoNotFitTheirModelsAreUnavailableWithTheReason(String model, String reason) {
    ModelIndexEntry e = entry(model);
    assertEquals(ModelState.UNAVAILABLE, e.state(), e.toString());
    assertTrue(e.reason().contains(reason), e.reason());
    failure(core.gateway().infer(InferRequest.of(model,
        List.of(TestModels.randomFloats("IN", new long[] {1, 3, 48, 192}, 7)))), ErrorKind.UNAVAILABLE, reason);
  }

  private static ModelIndexEntry entry(String model) {
    return result(core.gateway().index(false)).stream().filter(e -> e.name().equals(model)).findFirst().orElseThrow();
  }

  private static Tensor direct(String model, Tensor input, String output) {
    Tensor x = new Tensor("x", input.datatype(), input.shape(), input.data());
    return result(core.gateway().infer(InferRequest.of(model, List.of(x)))).output(output).orElseThrow();
  }
}

package io.inferencia.gpu.sequence;

import static io.inferencia.gpu.testkit.Await.failure;
import static io.inferencia.gpu.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.testkit.Await;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.gpu.testkit.TinyOnnx;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.inference.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Triton's sequence batcher on a real inference core: controls, implicit state, ordering, expiry. */
class SequenceBatchingTest {
  /** Sums X within a sequence; batches up to 8 sequences at once; idle sequences go after 300 ms. */
  static final String ACC = TinyOnnx.accumulatorConfig(300_000);
  /** Silero VAD with its recurrent state kept by the server. */
  static final String VAD_SEQ = """
      backend: "onnxruntime"
      max_batch_size: 0
      input [ { name: "input" data_type: TYPE_FP32 dims: [ 1, 576 ] },
              { name: "sr" data_type: TYPE_INT64 dims: [ 1 ] reshape: { shape: [ ] } } ]
      output [ { name: "output" data_type: TYPE_FP32 dims: [ 1, 1 ] } ]
      instance_group [ { count: 1 kind: KIND_CPU } ]
      sequence_batching {
        state [ { input_name: "state" output_name: "stateN" data_type: TYPE_FP32 dims: [ 2, 1, 128 ] } ]
      }
      """;

  private static ActorTestKit testKit;
  private static InferenceCore core;

  @BeforeAll
  static void start() throws Exception {
    Path repo = Files.createTempDirectory("sequence-test");
    TestModels.addModel(repo, "acc", ACC, null);
    TinyOnnx.accumulator().write(repo.resolve("acc/1/model.onnx"));
    TestModels.addModel(repo, "acc_capped", ACC.replace("max_queue_delay_microseconds: 20000",
        "max_queue_delay_microseconds: 20000 max_candidate_sequences: 1"), null);
    TinyOnnx.accumulator().write(repo.resolve("acc_capped/1/model.onnx"));
    TestModels.addShipped(repo, "vad");
    TestModels.addModel(repo, "vad_seq", VAD_SEQ, "vad");
    var config = TestModels.config(repo);
    testKit = ActorTestKit.create(config);
    core = InferenceCore.start(testKit.system(), config, List.of());
    Await.serverReady(core.gateway());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void stateFlowsThroughASequenceAndTheControlsSayWhereItIs() {
    List<InferResponse> r = new ArrayList<>();
    r.add(step("acc", "77", 1f, true, false));
    r.add(step("acc", "77", 2f, false, false));
    r.add(step("acc", "77", 3f, false, true));
    assertEquals(List.of(1f, 3f, 6f), r.stream().map(x -> x.output("Y").orElseThrow().asFloats()[0]).toList());
    assertEquals(List.of(1, 0, 0), r.stream().map(x -> ints(x.output("START_SEEN").orElseThrow())).toList());
    assertEquals(List.of(0, 0, 1), r.stream().map(x -> ints(x.output("END_SEEN").orElseThrow())).toList());
    assertEquals(77L, r.get(1).output("CORRID_SEEN").orElseThrow().asLongs()[0]);
    assertTrue(r.get(0).output("STATE_OUT").isEmpty(), "the state stays with the server");
    // A new START resets the state, even for an id used before.
    assertEquals(5f, step("acc", "77", 5f, true, true).output("Y").orElseThrow().asFloats()[0]);
  }

  @Test
  void manySequencesSentAtOnceKeepTheirOwnOrderAndStateAndBatchTogether() {
    long executionsBefore = stats("acc").executionCount();
    long inferencesBefore = stats("acc").inferenceCount();
    int sequences = 8;
    int steps = 6;
    Map<Integer, List<CompletableFuture<InferResponse>>> sent = new HashMap<>();
    for (int s = 0; s < sequences; s++) {
      List<CompletableFuture<InferResponse>> fs = new ArrayList<>();
      // All of a sequence's requests at once: the scheduler runs them one after another.
      for (int i = 0; i < steps; i++)
        fs.add(core.gateway().infer(request("acc", String.valueOf(1000 + s), 100f * s + i, i == 0, i == steps - 1)).toCompletableFuture());
      sent.put(s, fs);
    }
    for (int s = 0; s < sequences; s++) {
      float sum = 0;
      for (int i = 0; i < steps; i++) {
        sum += 100f * s + i;
        assertEquals(sum, result(sent.get(s).get(i)).output("Y").orElseThrow().asFloats()[0], "sequence " + s + " step " + i);
      }
    }
    long inferences = stats("acc").inferenceCount() - inferencesBefore;
    long executions = stats("acc").executionCount() - executionsBefore;
    assertEquals(sequences * steps, inferences);
    assertTrue(executions < inferences, "requests of different sequences batched: " + executions + " runs for " + inferences);
  }

  @Test
  void maxCandidateSequencesLetsOneSequenceRunAtATime() {
    List<CompletableFuture<InferResponse>> a = new ArrayList<>();
    List<CompletableFuture<InferResponse>> b = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      a.add(core.gateway().infer(request("acc_capped", "501", 1f, i == 0, i == 2)).toCompletableFuture());
      b.add(core.gateway().infer(request("acc_capped", "502", 10f, i == 0, i == 2)).toCompletableFuture());
    }
    assertEquals(3f, result(a.get(2)).output("Y").orElseThrow().asFloats()[0]);
    assertEquals(30f, result(b.get(2)).output("Y").orElseThrow().asFloats()[0]);
    ModelStatistics s = stats("acc_capped");
    assertEquals(s.inferenceCount(), s.executionCount(), "never two sequences in one batch");
  }

  @Test
  void silerosStateKeptByTheServerGivesWhatTheClientCarryingItGets() {
    float[] carried = new float[256];
    List<Float> direct = new ArrayList<>();
    List<Float> sequenced = new ArrayList<>();
    for (int w = 0; w < 12; w++) {
      float[] window = window(w);
      InferResponse d = result(core.gateway().infer(InferRequest.of("vad", List.of(
          Tensor.ofFloats("input", new long[] {1, 576}, window),
          Tensor.ofFloats("state", new long[] {2, 1, 128}, carried),
          Tensor.ofLongs("sr", new long[] {1}, new long[] {16000})))));
      carried = d.output("stateN").orElseThrow().asFloats();
      direct.add(d.output("output").orElseThrow().asFloats()[0]);
      InferResponse s = result(core.gateway().infer(new InferRequest("vad_seq", "", "", List.of(
          Tensor.ofFloats("input", new long[] {1, 576}, window),
          Tensor.ofLongs("sr", new long[] {1}, new long[] {16000})), List.of(),
          Map.of(SequenceId.ID, "9001", SequenceId.START, Boolean.toString(w == 0)), 0)));
      assertEquals(List.of("output"), s.outputs().stream().map(Tensor::name).toList());
      sequenced.add(s.output("output").orElseThrow().asFloats()[0]);
    }
    for (int w = 0; w < direct.size(); w++) assertEquals(direct.get(w), sequenced.get(w), 1e-6f, "window " + w);
    // The state matters: the last window alone, from a fresh state, gives another answer.
    InferResponse fresh = result(core.gateway().infer(InferRequest.of("vad", List.of(
        Tensor.ofFloats("input", new long[] {1, 576}, window(11)),
        Tensor.ofFloats("state", new long[] {2, 1, 128}, new float[256]),
        Tensor.ofLongs("sr", new long[] {1}, new long[] {16000})))));
    assertNotEquals(direct.get(11), fresh.output("output").orElseThrow().asFloats()[0], 1e-6f);
  }

  @Test
  void requestsOutsideASequenceAreRefused() throws Exception {
    failure(core.gateway().infer(InferRequest.of("acc", List.of(x(1f)))), ErrorKind.INVALID_ARGUMENT,
        "must specify a non-zero or non-empty correlation ID");
    failure(core.gateway().infer(request("acc", "0", 1f, true, false)), ErrorKind.INVALID_ARGUMENT, "non-zero");
    failure(core.gateway().infer(request("acc", "never-started", 1f, false, false)), ErrorKind.INVALID_ARGUMENT,
        "must specify the START flag on the first request of the sequence");
    failure(core.gateway().infer(request("acc", "words", 1f, true, false)), ErrorKind.INVALID_ARGUMENT,
        "needs a numeric sequence_id for its INT64 CORRID control, got 'words'");
    failure(core.gateway().infer(new InferRequest("acc", "", "", List.of(x(1f)), List.of(),
        Map.of(SequenceId.ID, "5", SequenceId.START, "maybe"), 0)), ErrorKind.INVALID_ARGUMENT,
        "parameter sequence_start must be a boolean, got 'maybe'");
    step("acc", "12", 1f, true, true);
    failure(core.gateway().infer(request("acc", "12", 1f, false, false)), ErrorKind.INVALID_ARGUMENT, "or the sequence ended");
  }

  @Test
  void anIdleSequenceIsReleased() throws Exception {
    step("acc", "31", 1f, true, false);
    assertEquals(3f, step("acc", "31", 2f, false, false).output("Y").orElseThrow().asFloats()[0]);
    Thread.sleep(900); // past the 300 ms idle limit and the sweep after it
    failure(core.gateway().infer(request("acc", "31", 1f, false, false)), ErrorKind.INVALID_ARGUMENT,
        "was idle longer than max_sequence_idle_microseconds");
  }

  @Test
  void metadataShowsOnlyTheClientsTensors() {
    var m = result(core.gateway().metadata("acc", ""));
    assertEquals(List.of("X"), m.inputs().stream().map(t -> t.name()).toList());
    assertEquals(4, m.outputs().size());
  }

  private static InferResponse step(String model, String id, float x, boolean start, boolean end) {
    return result(core.gateway().infer(request(model, id, x, start, end)));
  }

  private static InferRequest request(String model, String id, float x, boolean start, boolean end) {
    return new InferRequest(model, "", "", List.of(x(x)), List.of(),
        Map.of(SequenceId.ID, id, SequenceId.START, Boolean.toString(start), SequenceId.END, Boolean.toString(end)), 0);
  }

  private static Tensor x(float v) {
    return Tensor.ofFloats("X", new long[] {1, 1}, new float[] {v});
  }

  private static int ints(Tensor t) {
    return ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private static ModelStatistics stats(String model) {
    return result(core.gateway().statistics(model, "")).get(0);
  }

  /** A rising tone with a little context: enough signal for Silero's state to matter. */
  private static float[] window(int w) {
    float[] out = new float[576];
    for (int i = 0; i < out.length; i++) {
      double t = (w * 512 + i) / 16000.0;
      out[i] = (float) (0.4 * Math.sin(2 * Math.PI * (200 + 40 * w) * t) * Math.sin(Math.PI * i / 576.0));
    }
    return out;
  }
}

package io.inferencia.gpu.actors;

import static io.inferencia.gpu.testkit.Await.failure;
import static io.inferencia.gpu.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.testkit.Await;
import io.inferencia.gpu.testkit.EchoPipelineFactory;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.inference.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The core end to end on the real models: batching correctness, queue rules, validation errors. */
class InferenceCoreTest {
  private static final String CLS_INPUT = "x";
  private static final String CLS_OUTPUT = "softmax_0.tmp_0";
  private static final String REC_OUTPUT = "softmax_11.tmp_0";
  private static final String CLS_BODY = """
      backend: "onnxruntime"
      max_batch_size: 64
      input [ { name: "x" data_type: TYPE_FP32 dims: [ 3, 48, 192 ] } ]
      output [ { name: "softmax_0.tmp_0" data_type: TYPE_FP32 dims: [ 2 ] } ]
      """;

  /** One session, batches of one request: the order requests run in is the order they are answered. */
  private static final String REC_SINGLE = """
      backend: "onnxruntime"
      max_batch_size: 32
      input [ { name: "x" data_type: TYPE_FP32 dims: [ 3, 48, -1 ] } ]
      output [ { name: "softmax_11.tmp_0" data_type: TYPE_FP32 dims: [ -1, 6625 ] } ]
      instance_group [ { count: 1 kind: KIND_CPU } ]
      dynamic_batching {
        preferred_batch_size: [ 1 ] max_queue_delay_microseconds: 0
        default_queue_policy { allow_timeout_override: true }
      }
      """;

  private static Path repo;
  private static ActorTestKit testKit;
  private static InferenceCore core;

  @BeforeAll
  static void start() throws Exception {
    repo = Files.createTempDirectory("inference-core-test");
    TestModels.addShipped(repo, "ocr_cls");
    TestModels.addShipped(repo, "ocr_rec");
    TestModels.addShipped(repo, "vad");
    TestModels.addModel(repo, "broken", "max_batch_size: 4 colour: 3", null);
    TestModels.addModel(repo, "echo", EchoPipelineFactory.CONFIG, null);
    TestModels.addModel(repo, "cls_fixed", CLS_BODY + """
        dynamic_batching { preferred_batch_size: [ 32 ] max_queue_delay_microseconds: 300000 }
        """, "ocr_cls");
    TestModels.addModel(repo, "cls_tiny", CLS_BODY + """
        instance_group [ { count: 1 kind: KIND_GPU } ]
        dynamic_batching {
          preferred_batch_size: [ 64 ] max_queue_delay_microseconds: 2000000
          default_queue_policy { max_queue_size: 1 allow_timeout_override: true }
        }
        """, "ocr_cls");
    TestModels.addModel(repo, "cls_delayed", CLS_BODY + """
        dynamic_batching {
          preferred_batch_size: [ 32 ] max_queue_delay_microseconds: 300000
          default_queue_policy { default_timeout_microseconds: 1000 timeout_action: DELAY }
        }
        """, "ocr_cls");
    TestModels.addModel(repo, "rec_single", REC_SINGLE, "ocr_rec");
    TestModels.addModel(repo, "rec_priority", REC_SINGLE.replace("max_queue_delay_microseconds: 0",
        "max_queue_delay_microseconds: 0 priority_levels: 2 default_priority_level: 2"), "ocr_rec");
    String twoSessions = REC_SINGLE.replace("count: 1 kind: KIND_CPU", "count: 2 kind: KIND_CPU");
    TestModels.addModel(repo, "rec_two", twoSessions, "ocr_rec");
    TestModels.addModel(repo, "rec_ordered", twoSessions.replace("max_queue_delay_microseconds: 0",
        "max_queue_delay_microseconds: 0 preserve_ordering: true"), "ocr_rec");
    TestModels.addModel(repo, "cls_warm", CLS_BODY + warmup("zero_data: true", 2) + warmup("random_data: true", 1), "ocr_cls");
    TestModels.addModel(repo, "cls_warm_file", CLS_BODY + warmup("input_data_file: \"x.bin\"", 3), "ocr_cls");
    Files.write(Files.createDirectories(repo.resolve("cls_warm_file/warmup")).resolve("x.bin"), new byte[3 * 48 * 192 * 4]);
    TestModels.addModel(repo, "cls_warm_short", CLS_BODY + warmup("input_data_file: \"x.bin\"", 1), "ocr_cls");
    Files.write(Files.createDirectories(repo.resolve("cls_warm_short/warmup")).resolve("x.bin"), new byte[12]);
    TestModels.addModel(repo, "cls_tuned", CLS_BODY + """
        parameters { key: "inter_op_thread_count" value: { string_value: "2" } }
        parameters { key: "execution_mode" value: { string_value: "1" } }
        parameters { key: "enable_mem_arena" value: { string_value: "0" } }
        parameters { key: "enable_mem_pattern" value: { string_value: "0" } }
        optimization { graph { level: -1 } }
        """, "ocr_cls");
    TestModels.addModel(repo, "cls_cached", CLS_BODY + "response_cache { enable: true }\n", "ocr_cls");
    var config = TestModels.config(repo).withValue("inference.response-cache.max-bytes",
        com.typesafe.config.ConfigValueFactory.fromAnyRef("4MiB"));
    testKit = ActorTestKit.create(config);
    core = InferenceCore.start(testKit.system(), config, List.of(new EchoPipelineFactory()));
    Await.settled(core.gateway());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void indexShowsBrokenModelWithReasonAndOthersReady() {
    Map<String, ModelIndexEntry> index = result(core.gateway().index(false)).stream()
        .collect(Collectors.toMap(ModelIndexEntry::name, e -> e));
    assertEquals(ModelState.UNAVAILABLE, index.get("broken").state());
    assertTrue(index.get("broken").reason().contains("does not parse"), index.get("broken").reason());
    for (String ready : List.of("ocr_cls", "ocr_rec", "vad", "echo", "cls_fixed", "cls_tiny", "cls_delayed", "rec_single", "rec_priority", "rec_two", "rec_ordered",
        "cls_warm", "cls_warm_file", "cls_cached", "cls_tuned"))
      assertEquals(ModelState.READY, index.get(ready).state(), ready + ": " + index.get(ready).reason());
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA))
      assertTrue(index.get("cls_tiny").reason().contains("CUDA is not available"), index.get("cls_tiny").reason());
    assertTrue(result(core.gateway().index(true)).stream().noneMatch(e -> e.name().equals("broken")));
    // Warmup runs at load: a sample whose file does not fill its input keeps the model from serving.
    assertEquals(ModelState.UNAVAILABLE, index.get("cls_warm_short").state());
    assertTrue(index.get("cls_warm_short").reason().contains("holds 12 bytes, expected 110592"), index.get("cls_warm_short").reason());
    failure(core.gateway().infer(InferRequest.of("broken", List.of())), ErrorKind.UNAVAILABLE, "does not parse");
  }

  @Test
  void classifierBatchedResultsEqualUnbatched() {
    List<InferRequest> requests = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      long batch = i % 8 == 0 ? 2 : 1;
      requests.add(InferRequest.of("ocr_cls", List.of(TestModels.randomFloats(CLS_INPUT, new long[] {batch, 3, 48, 192}, i))));
    }
    assertBatchedEqualsUnbatched(requests, CLS_OUTPUT);
  }

  @Test
  void recognizerBatchedResultsEqualUnbatchedAcrossWidths() {
    List<InferRequest> requests = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      long width = i % 2 == 0 ? 80 : 120;
      requests.add(InferRequest.of("ocr_rec", List.of(TestModels.randomFloats("x", new long[] {1, 3, 48, width}, i))));
    }
    assertBatchedEqualsUnbatched(requests, REC_OUTPUT);
  }

  private static void assertBatchedEqualsUnbatched(List<InferRequest> requests, String output) {
    List<Tensor> alone = new ArrayList<>();
    for (InferRequest r : requests) alone.add(result(core.gateway().infer(r)).output(output).orElseThrow());
    List<CompletionStage<InferResponse>> concurrent = requests.stream().map(core.gateway()::infer).toList();
    for (int i = 0; i < requests.size(); i++) {
      Tensor batched = result(concurrent.get(i)).output(output).orElseThrow();
      assertArrayEquals(alone.get(i).shape(), batched.shape());
      float[] expected = alone.get(i).asFloats();
      float[] actual = batched.asFloats();
      for (int k = 0; k < expected.length; k++)
        assertEquals(expected[k], actual[k], 1e-4, "request " + i + " element " + k);
    }
  }

  @Test
  void loneRequestIsAnsweredAfterTheQueueDelay() {
    long start = System.nanoTime();
    InferResponse response = result(core.gateway().infer(clsRequest("cls_fixed", 1, 0)));
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertArrayEquals(new long[] {1, 2}, response.output(CLS_OUTPUT).orElseThrow().shape());
    assertTrue(waitedMs >= 250, "answered after " + waitedMs + " ms, before max_queue_delay");
    // Generous upper bound (a shared 2-core VM): the wake-up comes at the delay, not on some later event.
    assertTrue(waitedMs < 2_000, "answered after " + waitedMs + " ms, long after max_queue_delay (300 ms)");
  }

  @Test
  void requestTimeoutCountsOnlyWhereTheConfigAllowsOverride() {
    // cls_fixed has no allow_timeout_override: the request's 1 ms timeout is ignored, it waits out the delay.
    InferRequest ignored = new InferRequest("cls_fixed", "", "t", clsRequest("cls_fixed", 1, 4).inputs(), List.of(), Map.of(), 1000);
    assertEquals(2, result(core.gateway().infer(ignored)).output(CLS_OUTPUT).orElseThrow().asFloats().length);
  }

  @Test
  void delayedTimeoutActionServesLateRequestsInsteadOfRejecting() {
    // 1 ms timeout, 300 ms queue delay: under DELAY the lone request is late, but served, not rejected.
    long start = System.nanoTime();
    InferResponse response = result(core.gateway().infer(clsRequest("cls_delayed", 1, 5)));
    assertEquals(2, response.output(CLS_OUTPUT).orElseThrow().asFloats().length);
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(waitedMs < 250, "a late request under DELAY runs once nothing timely is ready, not after the delay: " + waitedMs + " ms");
  }

  @Test
  void requestQueuedBehindARunningBatchIsRejectedOnceLateNotRun() {
    // One session, preferred size 1: the second request is queued behind the first's long run (16 wide
    // rec items) and its 30 ms timeout passes before that run ends. It must be rejected, not run.
    CompletionStage<InferResponse> longRun = core.gateway().infer(InferRequest.of("rec_single",
        List.of(TestModels.randomFloats("x", new long[] {16, 3, 48, 320}, 6))));
    InferRequest late = new InferRequest("rec_single", "", "late", List.of(TestModels.randomFloats("x", new long[] {1, 3, 48, 320}, 7)),
        List.of(), Map.of(), 30_000);
    failure(core.gateway().infer(late), ErrorKind.DEADLINE_EXCEEDED, "past its timeout");
    assertEquals(16, result(longRun).output(REC_OUTPUT).orElseThrow().shape()[0]);
  }

  @Test
  void timedOutRequestIsRejectedAndFullQueueIsExhausted() {
    InferRequest late = new InferRequest("cls_tiny", "", "late", clsRequest("cls_tiny", 1, 1).inputs(), List.of(), Map.of(), 200_000);
    failure(core.gateway().infer(late), ErrorKind.DEADLINE_EXCEEDED, "past its timeout");

    CompletionStage<InferResponse> first = core.gateway().infer(clsRequest("cls_tiny", 1, 2));
    failure(core.gateway().infer(clsRequest("cls_tiny", 1, 3)), ErrorKind.RESOURCE_EXHAUSTED, "is full");
    assertEquals(2, result(first).output(CLS_OUTPUT).orElseThrow().asFloats().length);
  }

  @Test
  void requestWhoseClientStoppedWaitingIsDroppedNotRun() {
    // Behind a long run: one request queued behind it in the session's lane, one still in the queue;
    // both clients wait 30 ms (their gRPC deadline), far less than the run takes.
    var before = result(core.gateway().statistics("rec_single", "")).get(0);
    CompletionStage<InferResponse> longRun = core.gateway().infer(InferRequest.of("rec_single",
        List.of(TestModels.randomFloats("x", new long[] {16, 3, 48, 320}, 11))));
    List<CompletionStage<InferResponse>> gone = new ArrayList<>();
    for (int i = 0; i < 2; i++)
      gone.add(core.gateway().infer(InferRequest.of("rec_single",
          List.of(TestModels.randomFloats("x", new long[] {1, 3, 48, 320}, 12))).withClientTimeout(30_000)));
    // The clients are answered at their deadline (the gateway's ask ends there), long before the run ends.
    long begun = System.nanoTime();
    for (CompletionStage<InferResponse> call : gone) failure(call, ErrorKind.DEADLINE_EXCEEDED, "");
    long answeredMs = (System.nanoTime() - begun) / 1_000_000;
    assertFalse(result(longRun).output(REC_OUTPUT).isEmpty());
    assertTrue(answeredMs < 1_000, "answered after " + answeredMs + " ms");
    // The batcher drops them when their turn comes: counted as failures, never run.
    Await.until(() -> result(core.gateway().statistics("rec_single", "")).get(0).inferenceStats().fail().count()
        == before.inferenceStats().fail().count() + 2, "both expired requests dropped");
    assertEquals(before.inferenceCount() + 16, result(core.gateway().statistics("rec_single", "")).get(0).inferenceCount());
  }

  @Test
  void higherPriorityRequestsOvertakeQueuedLowerOnes() {
    // While a long run holds the one session, the next request is queued behind it; of the two after
    // it the priority 1 request runs before the default (2) one that came first.
    List<InferRequest> requests = new ArrayList<>();
    requests.add(new InferRequest("rec_priority", "", "long", List.of(TestModels.randomFloats("x", new long[] {16, 3, 48, 320}, 8)),
        List.of(), Map.of(), 0));
    for (String[] r : new String[][] {{"behind", ""}, {"default", ""}, {"urgent", "1"}}) {
      Map<String, String> params = r[1].isEmpty() ? Map.of() : Map.of("priority", r[1]);
      requests.add(new InferRequest("rec_priority", "", r[0],
          List.of(TestModels.randomFloats("x", new long[] {1, 3, 48, 320}, 9)), List.of(), params, 0));
    }
    assertEquals(List.of("long", "behind", "urgent", "default"), answerOrder(requests));
    InferRequest bad = new InferRequest("rec_priority", "", "", List.of(TestModels.randomFloats("x", new long[] {1, 3, 48, 320}, 9)),
        List.of(), Map.of("priority", "soon"), 0);
    failure(core.gateway().infer(bad), ErrorKind.INVALID_ARGUMENT, "'priority' must be an unsigned integer");
  }

  @Test
  void preserveOrderingHoldsAnAnswerUntilEarlierOnesLeave() {
    // Two sessions: a short request after a long one finishes first on the other session. Without
    // preserve_ordering it is answered first; with it, after the long one.
    assertEquals(List.of("short", "long"), answerOrder("rec_two"));
    assertEquals(List.of("long", "short"), answerOrder("rec_ordered"));
  }

  /**
   * The ids in the order their answers arrive. The requests go to the manager with one probe as the
   * reply address: answers from one batcher then arrive in the order it sent them (future callbacks
   * on several threads would not keep that order).
   */
  private static List<String> answerOrder(List<InferRequest> requests) {
    var probe = testKit.<InferResult>createTestProbe();
    for (InferRequest r : requests) core.manager().tell(new ModelRepositoryManager.Infer(r, probe.ref()));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      InferResult reply = probe.receiveMessage(java.time.Duration.ofSeconds(30));
      assertTrue(reply instanceof InferResult.Served, () -> "failed: " + reply);
      ids.add(reply.orThrow().id());
    }
    return ids;
  }

  private static List<String> answerOrder(String model) {
    List<InferRequest> requests = new ArrayList<>();
    for (String[] r : new String[][] {{"long", "16"}, {"short", "1"}})
      requests.add(new InferRequest(model, "", r[0],
          List.of(TestModels.randomFloats("x", new long[] {Long.parseLong(r[1]), 3, 48, 320}, 10)), List.of(), Map.of(), 0));
    return answerOrder(requests);
  }

  @Test
  void sessionParametersOfTheOnnxRuntimeBackendGiveTheSameResults() {
    InferRequest request = clsRequest("ocr_cls", 2, 15);
    float[] expected = result(core.gateway().infer(request)).output(CLS_OUTPUT).orElseThrow().asFloats();
    InferRequest tuned = new InferRequest("cls_tuned", "", "", request.inputs(), List.of(), Map.of(), 0);
    float[] actual = result(core.gateway().infer(tuned)).output(CLS_OUTPUT).orElseThrow().asFloats();
    for (int k = 0; k < expected.length; k++) assertEquals(expected[k], actual[k], 1e-5, "element " + k);
  }

  @Test
  void anIdenticalRequestIsAnsweredFromTheResponseCache() {
    InferRequest first = clsRequest("cls_cached", 1, 13);
    float[] computed = result(core.gateway().infer(first)).output(CLS_OUTPUT).orElseThrow().asFloats();
    InferRequest again = new InferRequest("cls_cached", "", "again", first.inputs(), List.of(), Map.of(), 0);
    InferResponse cached = result(core.gateway().infer(again));
    assertEquals("again", cached.id());
    assertArrayEquals(computed, cached.output(CLS_OUTPUT).orElseThrow().asFloats());
    result(core.gateway().infer(clsRequest("cls_cached", 1, 14)));
    var stats = result(core.gateway().statistics("cls_cached", "")).get(0);
    assertEquals(1, stats.inferenceStats().cacheHit().count());
    assertEquals(2, stats.inferenceStats().cacheMiss().count());
    assertEquals(3, stats.inferenceStats().success().count(), "a hit is a success");
    assertEquals(2, stats.inferenceCount(), "but not an inference");
    assertEquals(2, stats.executionCount());
  }

  @Test
  void vadRunsWithReshapedScalarInput() {
    InferRequest request = InferRequest.of("vad", List.of(
        Tensor.ofFloats("input", new long[] {1, 576}, new float[576]),
        Tensor.ofFloats("state", new long[] {2, 1, 128}, new float[256]),
        Tensor.ofLongs("sr", new long[] {1}, new long[] {16000})));
    InferResponse response = result(core.gateway().infer(request));
    assertArrayEquals(new long[] {1, 1}, response.output("output").orElseThrow().shape());
    assertArrayEquals(new long[] {2, 1, 128}, response.output("stateN").orElseThrow().shape());
  }

  @Test
  void requestedOutputsFilterTheReply() {
    InferRequest request = new InferRequest("vad", "1", "id-7", List.of(
        Tensor.ofFloats("input", new long[] {1, 576}, new float[576]),
        Tensor.ofFloats("state", new long[] {2, 1, 128}, new float[256]),
        Tensor.ofLongs("sr", new long[] {1}, new long[] {16000})), List.of("output"), Map.of(), 0);
    InferResponse response = result(core.gateway().infer(request));
    assertEquals(List.of("output"), response.outputs().stream().map(Tensor::name).toList());
    assertEquals("id-7", response.id());
    assertEquals("1", response.version());
  }

  @Test
  void classificationAnswersTopClassesWithTheShippedLabels() {
    Tensor x = TestModels.randomFloats("x", new long[] {2, 3, 48, 192}, 21);
    float[] raw = result(core.gateway().infer(InferRequest.of("ocr_cls", List.of(x)))).outputs().get(0).asFloats();
    InferRequest request = new InferRequest("ocr_cls", "", "", List.of(x), List.of("softmax_0.tmp_0"), Map.of(), 0)
        .withClassifications(Map.of("softmax_0.tmp_0", 1));
    Tensor top = result(core.gateway().infer(request)).outputs().get(0);
    assertEquals(DataType.BYTES, top.datatype());
    assertArrayEquals(new long[] {2, 1}, top.shape());
    for (int item = 0; item < 2; item++) {
      int best = raw[2 * item] >= raw[2 * item + 1] ? 0 : 1;
      String expected = String.format(java.util.Locale.ROOT, "%f:%d:%s", raw[2 * item + best], best, best == 0 ? "0" : "180");
      assertEquals(expected, top.asStrings().get(item), "item " + item);
    }
    failure(core.gateway().infer(request.withClassifications(Map.of("softmax_0.tmp_0", 0))), ErrorKind.INVALID_ARGUMENT,
        "classification count must be at least 1, got 0");
    failure(core.gateway().infer(request.withClassifications(Map.of("nope", 1))), ErrorKind.INVALID_ARGUMENT, "unknown output 'nope'");
    InferRequest echo = InferRequest.of("echo", List.of(Tensor.ofStrings("TEXT", new long[] {1}, List.of("a"))))
        .withClassifications(Map.of("TEXT", 1));
    failure(core.gateway().infer(echo), ErrorKind.INVALID_ARGUMENT, "TYPE_STRING and cannot be classified");
  }

  @Test
  void pipelineIsServedAndValidated() {
    InferRequest request = InferRequest.of("echo", List.of(Tensor.ofStrings("TEXT", new long[] {2}, List.of("ab", "c"))));
    assertEquals(List.of("AB", "C"), result(core.gateway().infer(request)).output("TEXT").orElseThrow().asStrings());
    InferRequest wrong = InferRequest.of("echo", List.of(Tensor.ofStrings("IMAGE", new long[] {1}, List.of("x"))));
    failure(core.gateway().infer(wrong), ErrorKind.INVALID_ARGUMENT, "unexpected input 'IMAGE'");
    Tensor truncated = new Tensor("TEXT", DataType.BYTES, new long[] {1}, new byte[] {9, 0, 0, 0, 'a'});
    failure(core.gateway().infer(InferRequest.of("echo", List.of(truncated))), ErrorKind.INVALID_ARGUMENT, "exceeds the data");
    Tensor miscounted = Tensor.ofStrings("TEXT", new long[] {3}, List.of("a"));
    failure(core.gateway().infer(InferRequest.of("echo", List.of(miscounted))), ErrorKind.INVALID_ARGUMENT, "holds 1 BYTES elements");
  }

  @Test
  void invalidRequestsAreRejectedBeforeQueueing() {
    var gw = core.gateway();
    failure(gw.infer(InferRequest.of("nope", List.of())), ErrorKind.NOT_FOUND, "unknown model 'nope'");
    failure(gw.infer(clsRequest("ocr_cls", 1, 0).withVersion("9")), ErrorKind.NOT_FOUND, "has no version 9");
    failure(gw.infer(InferRequest.of("ocr_cls", List.of(TestModels.randomFloats("y", new long[] {1, 3, 48, 192}, 0)))),
        ErrorKind.INVALID_ARGUMENT, "unexpected input 'y'");
    failure(gw.infer(InferRequest.of("ocr_cls", List.of())), ErrorKind.INVALID_ARGUMENT, "input 'x' is missing");
    failure(gw.infer(InferRequest.of("ocr_cls", List.of(TestModels.randomFloats("x", new long[] {1, 3, 48, 100}, 0)))),
        ErrorKind.INVALID_ARGUMENT, "expected [-1, 3, 48, 192]");
    failure(gw.infer(InferRequest.of("ocr_cls", List.of(TestModels.randomFloats("x", new long[] {65, 3, 48, 192}, 0)))),
        ErrorKind.INVALID_ARGUMENT, "batch size 65");
    Tensor longs = Tensor.ofLongs("x", new long[] {1, 3, 48, 192}, new long[3 * 48 * 192]);
    failure(gw.infer(InferRequest.of("ocr_cls", List.of(longs))), ErrorKind.INVALID_ARGUMENT, "datatype INT64, expected FP32");
    Tensor shortData = new Tensor("x", DataType.FP32, new long[] {1, 3, 48, 192}, new byte[12]);
    failure(gw.infer(InferRequest.of("ocr_cls", List.of(shortData))), ErrorKind.INVALID_ARGUMENT, "12 bytes of data");
    InferRequest unknownOutput = new InferRequest("ocr_cls", "", "", clsRequest("ocr_cls", 1, 0).inputs(), List.of("logits"), Map.of(), 0);
    failure(gw.infer(unknownOutput), ErrorKind.INVALID_ARGUMENT, "unknown output 'logits'");
  }

  @Test
  void metadataIncludesBatchDimensionAndConfigIsServed() {
    ModelMetadata cls = result(core.gateway().metadata("ocr_cls", ""));
    assertEquals(List.of("1"), cls.versions());
    assertEquals(new TensorSpec("x", DataType.FP32, new long[] {-1, 3, 48, 192}), cls.inputs().get(0));
    ModelMetadata vad = result(core.gateway().metadata("vad", "1"));
    assertArrayEquals(new long[] {-1, 576}, vad.inputs().get(0).shape());
    assertEquals(32, result(core.gateway().config("ocr_rec", "")).getMaxBatchSize());
    failure(core.gateway().metadata("nope", ""), ErrorKind.NOT_FOUND, "unknown model");
    assertTrue(result(core.gateway().modelReady("ocr_cls", "1")));
    assertTrue(!result(core.gateway().modelReady("broken", "")));
  }

  private static String warmup(String data, int batch) {
    return "model_warmup [ { name: \"w" + batch + "\" batch_size: " + batch + " count: 2 inputs { key: \"x\" value: {"
        + " data_type: TYPE_FP32 dims: [ 3, 48, 192 ] " + data + " } } } ]\n";
  }

  private static InferRequest clsRequest(String model, long batch, long seed) {
    return InferRequest.of(model, List.of(TestModels.randomFloats(CLS_INPUT, new long[] {batch, 3, 48, 192}, seed)));
  }
}

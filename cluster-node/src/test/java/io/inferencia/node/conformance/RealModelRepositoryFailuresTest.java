package io.inferencia.node.conformance;

import static io.inferencia.node.conformance.RealModelEndpointsTest.grpcFailure;
import static io.inferencia.node.conformance.RealModelErrorsTest.assertError;
import static io.inferencia.node.conformance.RealModelErrorsTest.assertGrpc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.gpu.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A temporary repository holding shipped models next to a broken one and a deliberately tiny queue:
 * failures of one model stay with that model.
 */
class RealModelRepositoryFailuresTest {
  /** ocr_rec with room for one waiting request, held for a long batching delay. */
  private static final String TINY_QUEUE = """
      name: "tiny_queue"
      backend: "onnxruntime"
      max_batch_size: 32
      input [ { name: "x" data_type: TYPE_FP32 format: FORMAT_NCHW dims: [ 3, 48, -1 ] } ]
      output [ { name: "softmax_11.tmp_0" data_type: TYPE_FP32 dims: [ -1, 6625 ] } ]
      instance_group [ { count: 1 kind: KIND_CPU } ]
      dynamic_batching {
        preferred_batch_size: [ 32 ]
        max_queue_delay_microseconds: 500000
        default_queue_policy { max_queue_size: 1 default_timeout_microseconds: 30000000 }
      }
      """;
  private static final long[] REC_SHAPE = {1, 3, 48, 32};
  private static RealModelServer server;
  private static RestClient rest;

  @BeforeAll
  static void start() throws Exception {
    Path repo = Files.createTempDirectory("conformance-repo");
    TestModels.addShipped(repo, "ocr_cls");
    TestModels.addModel(repo, "broken", "name: \"broken\"\nbackend: \"onnxruntime\"\nmax_batch_size: 4\ninput [ { name: ", "ocr_cls");
    TestModels.addModel(repo, "tiny_queue", TINY_QUEUE, "ocr_rec");
    server = RealModelServer.start(repo, Map.of("ocr_cls", "READY", "tiny_queue", "READY", "broken", "UNAVAILABLE"),
        // A batch of 65 crops (7.2 MB) must reach the core to meet its max_batch_size check.
        com.typesafe.config.ConfigFactory.parseString("edge.max-request-bytes = 16MiB"));
    rest = server.rest;
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void aLoadWithTritonsConfigParameterServesThatConfigUntilTheNextLoad() {
    String override = "{\"parameters\": {\"config\": \"{\\\"backend\\\": \\\"onnxruntime\\\", \\\"max_batch_size\\\": 2,"
        + " \\\"input\\\": [{\\\"name\\\": \\\"x\\\", \\\"data_type\\\": \\\"TYPE_FP32\\\", \\\"dims\\\": [3, 48, 192]}],"
        + " \\\"output\\\": [{\\\"name\\\": \\\"softmax_0.tmp_0\\\", \\\"data_type\\\": \\\"TYPE_FP32\\\", \\\"dims\\\": [2]}]}\"}}";
    try {
      RestClient.Response loaded = rest.post("/v2/repository/models/ocr_cls/load", override);
      assertEquals(200, loaded.status(), () -> new String(loaded.body()));
      assertEquals(2, rest.get("/v2/models/ocr_cls/config").json().path("max_batch_size").asInt());
      assertError(400, "batch size 3, expected 1..2 (max_batch_size)", rest.post("/v2/models/ocr_cls/infer",
          InferBody.builder().binaryInput("x", "FP32", new long[] {3, 3, 48, 192}, Raw.floats(new float[3 * 3 * 48 * 192])).build()));
      assertError(400, "preferred_batch_size 9 is outside 1..2", rest.post("/v2/repository/models/ocr_cls/load",
          override.replace("\\\"max_batch_size\\\": 2,", "\\\"max_batch_size\\\": 2, \\\"dynamic_batching\\\": {\\\"preferred_batch_size\\\": [9]},")));
      assertEquals(2, rest.get("/v2/models/ocr_cls/config").json().path("max_batch_size").asInt(), "a refused override changes nothing");
    } finally {
      assertEquals(200, rest.post("/v2/repository/models/ocr_cls/load", "{}").status());
    }
    assertEquals(64, rest.get("/v2/models/ocr_cls/config").json().path("max_batch_size").asInt(), "back to config.pbtxt");
  }

  /** A config that parses but names no backend is the client's mistake: 400, and the model serves on. */
  @Test
  void aLoadWhoseConfigNamesNoBackendIsRefusedAndTheModelServesOn() {
    String noBackend = "{\"parameters\": {\"config\": \"{\\\"max_batch_size\\\": 2,"
        + " \\\"input\\\": [{\\\"name\\\": \\\"x\\\", \\\"data_type\\\": \\\"TYPE_FP32\\\", \\\"dims\\\": [3, 48, 192]}],"
        + " \\\"output\\\": [{\\\"name\\\": \\\"softmax_0.tmp_0\\\", \\\"data_type\\\": \\\"TYPE_FP32\\\", \\\"dims\\\": [2]}]}\"}}";
    assertError(400, "unsupported backend", rest.post("/v2/repository/models/ocr_cls/load", noBackend));
    assertEquals(200, rest.get("/v2/models/ocr_cls/ready").status());
    assertEquals(64, rest.get("/v2/models/ocr_cls/config").json().path("max_batch_size").asInt(), "the config that serves");
    InferBody body = InferBody.builder().binaryInput("x", "FP32", new long[] {1, 3, 48, 192}, Raw.floats(Samples.clsInput(1, 3))).build();
    assertEquals(200, rest.post("/v2/models/ocr_cls/infer", body).status());
  }

  @Test
  void brokenConfigIsUnavailableWithItsReasonWhileOthersServe() throws Exception {
    JsonNode broken = null;
    for (JsonNode m : rest.post("/v2/repository/index", "{}").json()) if (m.path("name").asText().equals("broken")) broken = m;
    assertTrue(broken != null, "broken model is listed");
    assertEquals("UNAVAILABLE", broken.path("state").asText());
    String reason = broken.path("reason").asText();
    assertTrue(reason.contains("config.pbtxt"), "reason names the broken file: " + reason);

    InferBody body = InferBody.builder().binaryInput("x", "FP32", new long[] {1, 3, 48, 192}, Raw.floats(Samples.clsInput(1, 3))).build();
    assertError(503, "broken", rest.post("/v2/models/broken/infer", body));
    assertGrpc(Status.Code.UNAVAILABLE, "broken", grpcFailure(server.grpc.modelInfer(GrpcInfer.addRaw(
        GrpcInfer.request("broken", ""), "x", "FP32", new long[] {1, 3, 48, 192}, Raw.floats(Samples.clsInput(1, 3))).build())));
    assertEquals(400, rest.get("/v2/models/broken/ready").status());

    assertEquals(200, rest.post("/v2/models/ocr_cls/infer", body).status());
  }

  @Test
  void aBrokenModelMakesTheServerNotReadyWhileItsNeighboursServe() throws Exception {
    // Strict readiness, the protocol's and Triton's default: ready means every model is ready.
    RestClient.Response ready = rest.get("/v2/health/ready");
    assertEquals(400, ready.status());
    assertEquals(false, ready.json().path("ready").asBoolean(true));
    assertEquals(false, server.grpc.serverReady(io.inferencia.protocols.grpc.ServerReadyRequest.getDefaultInstance())
        .toCompletableFuture().get(10, TimeUnit.SECONDS).getReady());
    assertEquals(200, rest.get("/v2/health/live").status());
    assertEquals(200, rest.get("/v2/models/ocr_cls/ready").status());
  }

  @Test
  void batchOverMaxBatchSizeIsRefused() {
    RestClient.Response r = rest.post("/v2/models/ocr_cls/infer", InferBody.builder()
        .binaryInput("x", "FP32", new long[] {65, 3, 48, 192}, Raw.floats(new float[65 * Samples.CLS_ELEMENTS])).build());
    assertError(400, "65", r);
    assertTrue(r.error().contains("64"), "names max_batch_size: " + r.error());
  }

  @Test
  void fullQueueAnswersTooManyRequestsAndServesTheRest() throws Exception {
    int n = 12;
    InferBody body = InferBody.builder().binaryInput("x", "FP32", REC_SHAPE, Raw.floats(new float[3 * 48 * 32])).build();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<CompletableFuture<RestClient.Response>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++)
        calls.add(CompletableFuture.supplyAsync(() -> rest.post("/v2/models/tiny_queue/infer", body), pool));
      int ok = 0;
      int full = 0;
      for (CompletableFuture<RestClient.Response> c : calls) {
        RestClient.Response r = c.get(60, TimeUnit.SECONDS);
        if (r.status() == 200) {
          ok++;
          assertEquals("[1,4,6625]", io.inferencia.edge.testkit.InferResult.of(r).output("softmax_11.tmp_0").path("shape").toString());
        } else {
          assertError(429, "is full", r);
          full++;
        }
      }
      assertTrue(ok >= 1 && full >= 1, ok + " served, " + full + " refused");
    } finally {
      pool.shutdownNow();
    }

    List<CompletableFuture<io.inferencia.protocols.grpc.ModelInferResponse>> grpcCalls = new ArrayList<>();
    for (int i = 0; i < n; i++)
      grpcCalls.add(server.grpc.modelInfer(GrpcInfer.addRaw(GrpcInfer.request("tiny_queue", ""), "x", "FP32", REC_SHAPE,
          Raw.floats(new float[3 * 48 * 32])).build()).toCompletableFuture());
    int exhausted = 0;
    int served = 0;
    for (CompletableFuture<io.inferencia.protocols.grpc.ModelInferResponse> c : grpcCalls) {
      try {
        c.get(60, TimeUnit.SECONDS);
        served++;
      } catch (java.util.concurrent.ExecutionException e) {
        assertGrpc(Status.Code.RESOURCE_EXHAUSTED, "is full", grpcFailure(CompletableFuture.failedFuture(e.getCause())));
        exhausted++;
      }
    }
    assertTrue(served >= 1 && exhausted >= 1, served + " served, " + exhausted + " refused over gRPC");
  }
}

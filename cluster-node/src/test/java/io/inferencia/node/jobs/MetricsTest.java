package io.inferencia.node.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.PrometheusText;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.node.conformance.Samples;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} after real traffic on a whole node: REST and gRPC inferences on ocr_cls, a refused
 * request, jobs that succeed and one that fails; the scrape's counts, histogram counts and labels must
 * match what was sent (as differences, since the node is shared with other tests).
 */
class MetricsTest {
  private static final long[] ONE = {1, 3, 48, 192};
  private static final long[] TWO = {2, 3, 48, 192};
  private static final Map<String, String> CLS = Map.of("model", "ocr_cls", "version", "1");
  private static final Duration SCRAPE_WAIT = Duration.ofSeconds(30);

  private static InProcessNode node;
  private static JobApi api;
  private static RestClient rest;
  private static GRPCInferenceServiceClient grpc;

  @BeforeAll
  static void start() throws Exception {
    node = OpenNode.get();
    api = new JobApi(node.http(), null);
    rest = new RestClient("127.0.0.1", node.httpPort);
    grpc = GRPCInferenceServiceClient.create(
        GrpcClientSettings.connectToServiceAt("127.0.0.1", node.grpcPort, node.system).withTls(false), node.system);
  }

  @AfterAll
  static void stop() throws Exception {
    grpc.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void scrapeCountsWhatWasSent() throws Exception {
    // Earlier tests' traffic is answered; a scrape is at most one tick (1 s) behind it.
    Thread.sleep(2500);
    PrometheusText before = scrape();
    JsonNode statsBefore = stats();

    for (long[] shape : new long[][] {ONE, TWO, ONE}) {
      RestClient.Response r = rest.post("/v2/models/ocr_cls/infer",
          InferBody.builder().input("x", "FP32", shape, Samples.clsInput((int) shape[0], 3)).build());
      assertEquals(200, r.status(), new String(r.body()));
    }
    for (int i = 0; i < 2; i++)
      grpc.modelInfer(GrpcInfer.addRaw(GrpcInfer.request("ocr_cls", ""), "x", "FP32", ONE,
          Raw.floats(Samples.clsInput(1, i))).build()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    RestClient.Response refused = rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().input("x", "FP32", new long[] {1, 3, 48}, new float[3 * 48]).build());
    assertEquals(400, refused.status());

    String request = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3,48,192],\"datatype\":\"FP32\",\"data\":"
        + java.util.Arrays.toString(Samples.clsInput(1, 9)) + "}]}";
    for (int i = 0; i < 2; i++) {
      String input = api.upload("metrics.json", "application/json", request.getBytes());
      JsonNode done = api.awaitFinished(api.submit("ocr_cls", input, null, null).json().get("jobId").asText(),
          Duration.ofSeconds(60));
      assertEquals("SUCCEEDED", done.get("status").asText(), done.toString());
    }
    String garbage = api.upload("garbage.json", "application/json", "not a request".getBytes());
    JsonNode failed = api.awaitFinished(api.submit("ocr_cls", garbage, null, null).json().get("jobId").asText(),
        Duration.ofSeconds(60));
    assertEquals("FAILED", failed.get("status").asText(), failed.toString());

    // Three REST and two gRPC requests, and two jobs of one item each.
    TestProbe.create(node.system).awaitAssert(SCRAPE_WAIT, () -> {
      PrometheusText after = scrape();
      assertEquals(7, delta(before, after, "nv_inference_request_success", CLS));
      assertEquals(8, delta(before, after, "nv_inference_count", CLS));
      assertEquals(1, delta(before, after, "nv_inference_request_failure", CLS));
      assertEquals(7, delta(before, after, "inferencia_inference_request_duration_seconds_count", CLS));
      assertEquals(7, delta(before, after, "inferencia_inference_queue_duration_seconds_count", CLS));
      double executions = delta(before, after, "nv_inference_exec_count", CLS);
      assertTrue(executions >= 1 && executions <= 7, "executions " + executions);
      assertEquals(executions, delta(before, after, "inferencia_inference_batch_size_count", CLS));
      assertEquals(8, delta(before, after, "inferencia_inference_batch_size_sum", CLS));
      assertTrue(delta(before, after, "nv_inference_request_duration_us", CLS) > 0);
      assertTrue(delta(before, after, "nv_inference_compute_infer_duration_us", CLS) > 0);

      assertEquals(3, delta(before, after, "inferencia_jobs_submitted_total", Map.of("task", "ocr_cls")));
      Map<String, String> succeeded = Map.of("task", "ocr_cls", "status", "SUCCEEDED");
      Map<String, String> failedJobs = Map.of("task", "ocr_cls", "status", "FAILED");
      assertEquals(2, delta(before, after, "inferencia_jobs_finished_total", succeeded));
      assertEquals(1, delta(before, after, "inferencia_jobs_finished_total", failedJobs));
      assertEquals(2, delta(before, after, "inferencia_jobs_duration_seconds_count", succeeded));
      assertEquals(1, delta(before, after, "inferencia_jobs_duration_seconds_count", failedJobs));

      Map<String, String> infer = Map.of("method", "POST", "route", "/v2/models/{model}/infer");
      assertEquals(3, delta(before, after, "inferencia_http_server_requests_total", with(infer, "status", "200")));
      assertEquals(1, delta(before, after, "inferencia_http_server_requests_total", with(infer, "status", "400")));
      assertTrue(delta(before, after, "inferencia_edge_request_body_bytes_total", Map.of()) > 3 * 4 * 3 * 48 * 192);
      Map<String, String> grpcInfer = Map.of("protocol", "grpc", "method", "inference.GRPCInferenceService/ModelInfer", "status", "OK");
      assertEquals(2, delta(before, after, "inferencia_grpc_server_requests_total", grpcInfer));
      assertEquals(2, delta(before, after, "inferencia_grpc_server_request_duration_seconds_count", grpcInfer));
      return null;
    });

    // The statistics extension saw the same requests.
    JsonNode statsAfter = stats();
    assertEquals(7, count(statsAfter, "success") - count(statsBefore, "success"));
    assertEquals(1, count(statsAfter, "fail") - count(statsBefore, "fail"));
  }

  @Test
  void typesLabelsAndJvmMetrics() throws Exception {
    TestProbe.create(node.system).awaitAssert(SCRAPE_WAIT, () -> {
      PrometheusText scrape = scrape();
      for (String counter : new String[] {"nv_inference_request_success", "nv_inference_request_failure",
          "nv_inference_count", "nv_inference_exec_count", "nv_inference_request_duration_us",
          "nv_inference_queue_duration_us", "nv_inference_compute_input_duration_us",
          "nv_inference_compute_infer_duration_us", "nv_inference_compute_output_duration_us"})
        assertEquals("counter", scrape.types().get(counter), counter);
      assertEquals("gauge", scrape.types().get("nv_inference_pending_request_count"));
      assertEquals("histogram", scrape.types().get("inferencia_inference_request_duration_seconds"));
      assertEquals("histogram", scrape.types().get("inferencia_inference_queue_duration_seconds"));
      assertEquals("histogram", scrape.types().get("inferencia_inference_batch_size"));
      assertEquals("gauge", scrape.types().get("inferencia_jobs_queued"));
      assertTrue(scrape.samples().stream().anyMatch(s -> s.name().equals("nv_inference_pending_request_count")
          && s.labels().equals(Map.of("model", "ocr_cls", "version", "1"))), "pending per model and version");
      assertTrue(scrape.value("jvm_memory_used_bytes_count", Map.of("region", "heap")) > 0, "JVM heap samples");
      assertTrue(scrape.value("jvm_memory_committed_bytes", Map.of("region", "heap")) > 0, "JVM heap committed");
      assertTrue(scrape.types().containsKey("jvm_gc_seconds"), "GC times");
      return null;
    });
  }

  private static PrometheusText scrape() {
    RestClient.Response r = rest.get("/metrics");
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
    return PrometheusText.parse(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> m = new java.util.HashMap<>(labels);
    m.put(key, value);
    return m;
  }

  private static JsonNode stats() {
    return rest.get("/v2/models/ocr_cls/versions/1/stats").json().path("model_stats").path(0);
  }

  private static long count(JsonNode modelStats, String what) {
    return modelStats.path("inference_stats").path(what).path("count").asLong();
  }
}

package io.inferencia.node.conformance;

import static io.inferencia.node.conformance.RealModelEndpointsTest.get;
import static io.inferencia.node.conformance.RealModelEndpointsTest.grpcFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.protocols.grpc.ModelInferResponse;
import io.inferencia.protocols.grpc.ModelStatisticsRequest;
import io.inferencia.protocols.grpc.ModelStatisticsResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Triton's statistics extension against the shipped models: what the counters say must add up with
 * what the test itself sent, and the batches the dynamic batcher formed must account for every item.
 */
class RealModelStatisticsTest extends ShippedModelsTest {
  private static final long[] ONE_CROP = {1, 3, 48, 192};
  private static final String CLS_STATS = "/v2/models/ocr_cls/versions/1/stats";

  @Test
  void concurrentRequestsAreCountedPerItemAndPerBatch() throws Exception {
    JsonNode before = clsStats();
    long startedAt = System.currentTimeMillis();
    int requests = 24;
    List<CompletableFuture<ModelInferResponse>> calls = new ArrayList<>();
    for (int i = 0; i < requests; i++)
      calls.add(server.grpc.modelInfer(GrpcInfer.addRaw(GrpcInfer.request("ocr_cls", "1"), "x", "FP32", ONE_CROP,
          Raw.floats(Samples.clsInput(1, i))).build()).toCompletableFuture());
    for (CompletionStage<ModelInferResponse> c : calls) get(c);
    JsonNode after = clsStats();

    assertEquals(requests, delta(before, after, "inference_count"));
    JsonNode in0 = before.path("inference_stats");
    JsonNode in1 = after.path("inference_stats");
    for (String phase : List.of("success", "queue", "compute_input", "compute_infer", "compute_output"))
      assertEquals(requests, count(in1, phase) - count(in0, phase), phase + " counts one per request");
    assertEquals(0, count(in1, "fail") - count(in0, "fail"));
    // Every request's time in the core covers its wait and its batch's three phases.
    long spent = ns(in1, "success") - ns(in0, "success");
    long parts = 0;
    for (String phase : List.of("queue", "compute_input", "compute_infer", "compute_output"))
      parts += ns(in1, phase) - ns(in0, phase);
    assertTrue(ns(in1, "compute_infer") > ns(in0, "compute_infer"), "the model ran");
    assertTrue(spent >= parts, "success " + spent + " ns < queue + compute " + parts + " ns");

    long executions = delta(before, after, "execution_count");
    assertTrue(executions >= 1 && executions <= requests, "executions " + executions);
    assertEquals(executions, batchSum(after, false) - batchSum(before, false), "batch_stats count every execution");
    assertEquals(requests, batchSum(after, true) - batchSum(before, true), "batch_size x count covers every item");

    long last = after.path("last_inference").asLong();
    assertTrue(last >= startedAt && last <= System.currentTimeMillis(), "last_inference " + last);
  }

  @Test
  void aRejectedRequestCountsAsAFailureAndServesNothing() {
    JsonNode before = clsStats();
    RestClient.Response bad = rest.post("/v2/models/ocr_cls/infer",
        InferBody.builder().binaryInput("x", "FP32", new long[] {1, 3, 48, 100}, Raw.floats(new float[3 * 48 * 100])).build());
    assertEquals(400, bad.status());
    JsonNode after = clsStats();
    assertEquals(1, count(after.path("inference_stats"), "fail") - count(before.path("inference_stats"), "fail"));
    assertEquals(0, delta(before, after, "inference_count"));
    assertEquals(0, delta(before, after, "execution_count"));
  }

  @Test
  void everyReadyModelIsListedAndGrpcAgreesWithRest() throws Exception {
    RestClient.Response all = rest.get("/v2/models/stats");
    assertEquals(200, all.status());
    Set<String> names = new HashSet<>();
    all.json().path("model_stats").forEach(m -> names.add(m.path("name").asText()));
    assertEquals(Set.copyOf(RealModelServer.SHIPPED), names);

    RestClient.Response model = rest.get("/v2/models/vad_segments/stats");
    assertEquals(200, model.status());
    assertEquals(1, model.json().path("model_stats").size());
    assertEquals("1", model.json().path("model_stats").get(0).path("version").asText());

    ModelStatisticsResponse grpc = get(server.grpc.modelStatistics(
        ModelStatisticsRequest.newBuilder().setName("ocr_cls").setVersion("1").build()));
    JsonNode viaRest = clsStats();
    assertEquals(1, grpc.getModelStatsCount());
    var g = grpc.getModelStats(0);
    assertEquals("ocr_cls", g.getName());
    assertEquals(viaRest.path("inference_count").asLong(), g.getInferenceCount());
    assertEquals(viaRest.path("execution_count").asLong(), g.getExecutionCount());
    assertEquals(count(viaRest.path("inference_stats"), "fail"), g.getInferenceStats().getFail().getCount());
    assertEquals(viaRest.path("batch_stats").size(), g.getBatchStatsCount());
  }

  @Test
  void unknownModelsAndVersionsAreNotFound() {
    RestClient.Response model = rest.get("/v2/models/nope/stats");
    assertEquals(404, model.status());
    assertEquals("unknown model 'nope'", model.error());
    RestClient.Response version = rest.get("/v2/models/ocr_cls/versions/9/stats");
    assertEquals(404, version.status());
    assertTrue(version.error().contains("no version 9"), version.error());
    assertEquals(Status.Code.NOT_FOUND, grpcFailure(server.grpc.modelStatistics(
        ModelStatisticsRequest.newBuilder().setName("nope").build())).getStatus().getCode());
  }

  private static JsonNode clsStats() {
    RestClient.Response r = rest.get(CLS_STATS);
    assertEquals(200, r.status(), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    JsonNode stats = r.json().path("model_stats");
    assertEquals(1, stats.size(), stats.toString());
    assertEquals("ocr_cls", stats.get(0).path("name").asText());
    return stats.get(0);
  }

  private static long delta(JsonNode before, JsonNode after, String field) {
    return after.path(field).asLong() - before.path(field).asLong();
  }

  private static long count(JsonNode inferenceStats, String phase) {
    return inferenceStats.path(phase).path("count").asLong();
  }

  private static long ns(JsonNode inferenceStats, String phase) {
    return inferenceStats.path(phase).path("ns").asLong();
  }

  /** Executions over all batch sizes, or items when weighted by the batch size. */
  private static long batchSum(JsonNode model, boolean items) {
    long sum = 0;
    for (JsonNode b : model.path("batch_stats"))
      sum += b.path("compute_infer").path("count").asLong() * (items ? b.path("batch_size").asLong() : 1);
    return sum;
  }
}

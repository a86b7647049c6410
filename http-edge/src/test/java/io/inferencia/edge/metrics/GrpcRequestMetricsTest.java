package io.inferencia.edge.metrics;

import static io.inferencia.edge.testkit.RawGrpc.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.GrpcEdge;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.MetricsScrape;
import io.inferencia.edge.testkit.PrometheusText;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import io.inferencia.protocols.grpc.ModelMetadataRequest;
import io.inferencia.protocols.grpc.ModelStreamInferResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gRPC calls on a running edge, through a stock client and hand-written HTTP/2 calls, counted on
 * {@code GET /metrics} by method and status code: the fast unary ModelInfer's answers and refusals,
 * a malformed message the generated handler refuses, a unary call of the generated handler, a stream
 * (once, at its end) and a call of an unknown method, named {@code unknown} and never by its path.
 */
class GrpcRequestMetricsTest {
  private static final String SERVICE = "inference.GRPCInferenceService/";
  private static final long[] ONE_ROW = {1, FakeGateway.ADD_SUB_WIDTH};
  private static final int SUCCEEDED = 5;
  private static final int UNKNOWN_MODEL = 2;
  @RegisterExtension static final GrpcEdge edge = new GrpcEdge(ConfigFactory.empty(), MetricsScrape.route());
  private static EdgeFixture fixture;
  private static MetricsScrape metrics;

  @BeforeAll
  static void start() {
    fixture = edge.fixture();
    metrics = MetricsScrape.of(fixture);
  }

  @Test
  void callsAreCountedAndTimedByMethodAndStatus() throws Exception {
    PrometheusText before = metrics.settled();

    for (int i = 0; i < SUCCEEDED; i++) await(fixture.grpc.modelInfer(addSub("add_sub", i)));
    for (int i = 0; i < UNKNOWN_MODEL; i++)
      assertFails(Status.Code.NOT_FOUND, fixture.grpc.modelInfer(addSub("no_such_model", i)));
    ModelInferRequest.Builder shortData = GrpcInfer.request("add_sub", "");
    GrpcInfer.addRaw(shortData, "INPUT0", "FP32", ONE_ROW, new byte[63]);
    GrpcInfer.addRaw(shortData, "INPUT1", "FP32", ONE_ROW, new byte[64]);
    assertFails(Status.Code.INVALID_ARGUMENT, fixture.grpc.modelInfer(shortData.build()));
    assertEquals(String.valueOf(Status.Code.INVALID_ARGUMENT.value()),
        rawStatus("/" + SERVICE + "ModelInfer", frame(0, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})));
    assertEquals("add_sub", await(fixture.grpc.modelMetadata(ModelMetadataRequest.newBuilder().setName("add_sub").build())).getName());
    List<ModelStreamInferResponse> streamed = await(fixture.grpc.modelStreamInfer(
            Source.from(List.of(addSub("add_sub", 1), addSub("no_such_model", 2), addSub("add_sub", 3))))
        .runWith(Sink.seq(), fixture.testKit.system()));
    assertEquals(3, streamed.size(), "one answer per request, the failed one in error_message");
    assertEquals(String.valueOf(Status.Code.UNIMPLEMENTED.value()),
        rawStatus("/" + SERVICE + "NoSuchMethod", frame(0, new byte[0])));

    Map<List<String>, Double> expected = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
    expected.put(List.of(SERVICE + "ModelInfer", "OK"), (double) SUCCEEDED);
    expected.put(List.of(SERVICE + "ModelInfer", "NOT_FOUND"), (double) UNKNOWN_MODEL);
    expected.put(List.of(SERVICE + "ModelInfer", "INVALID_ARGUMENT"), 2.0);
    expected.put(List.of(SERVICE + "ModelMetadata", "OK"), 1.0);
    expected.put(List.of(SERVICE + "ModelStreamInfer", "OK"), 1.0);
    expected.put(List.of(GrpcMetrics.UNKNOWN_METHOD, "UNIMPLEMENTED"), 1.0);

    // A stream is recorded when its response stream ends, which may be just after the client saw it.
    fixture.testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(expected, counted(before, metrics.now()));
      return null;
    });
    // Nothing more arrives later: once every earlier update is in a scrape, the counts are the same.
    PrometheusText after = metrics.settled();
    assertEquals(expected, counted(before, after));
    assertEquals("counter", after.types().get(GrpcMetrics.REQUESTS));
    assertEquals("histogram", after.types().get(GrpcMetrics.DURATION));
    assertTrue(after.samples().stream().noneMatch(s -> s.labels().values().stream().anyMatch(v -> v.contains("NoSuchMethod"))),
        "an unknown method's path is never a label");
  }

  /**
   * The difference between two scrapes of every gRPC label set that changed, as (method, status) to
   * count; the latency histogram must have counted the same calls.
   */
  private static Map<List<String>, Double> counted(PrometheusText before, PrometheusText after) {
    Map<List<String>, Double> out = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
    for (PrometheusText.Sample s : after.samples()) {
      if (!s.name().equals(GrpcMetrics.REQUESTS)) continue;
      Map<String, String> labels = s.labels();
      assertEquals("grpc", labels.get("protocol"), labels.toString());
      double delta = s.value() - before.value(GrpcMetrics.REQUESTS, labels);
      if (delta == 0) continue;
      out.put(List.of(labels.get("method"), labels.get("status")), delta);
      double timed = after.value(GrpcMetrics.DURATION + "_count", labels) - before.value(GrpcMetrics.DURATION + "_count", labels);
      assertEquals(delta, timed, "latency samples of " + labels);
    }
    return out;
  }

  private static ModelInferRequest addSub(String model, int seed) {
    ModelInferRequest.Builder req = GrpcInfer.request(model, "");
    GrpcInfer.addRaw(req, "INPUT0", "FP32", ONE_ROW, Raw.floats(Raw.ramp(16, seed)));
    GrpcInfer.addRaw(req, "INPUT1", "FP32", ONE_ROW, Raw.floats(Raw.ramp(16, seed + 1)));
    return req.build();
  }

  private static String rawStatus(String path, byte[] body) throws Exception {
    return edge.call(path, body, Optional.empty()).status();
  }

  private static void assertFails(Status.Code code, CompletionStage<ModelInferResponse> call) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(call));
    assertEquals(code, assertInstanceOf(StatusRuntimeException.class, e.getCause()).getStatus().getCode());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}

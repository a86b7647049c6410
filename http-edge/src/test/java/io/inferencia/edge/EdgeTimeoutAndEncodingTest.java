package io.inferencia.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.InferResult;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RestClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The edge's own deadline (edge.ask-timeout) on both protocols, and compressed REST requests. */
class EdgeTimeoutAndEncodingTest {
  private static EdgeFixture edge;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(new FakeGateway(), ConfigFactory.parseString("edge.ask-timeout = 300ms"));
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  void restAnswers504WhenTheCoreDoesNotAnswer() {
    RestClient.Response r = edge.rest.post("/v2/models/silent/infer",
        InferBody.builder().input("x", "FP32", new long[] {1}, 1f).build());
    assertEquals(504, r.status());
    assertEquals("the inference core did not answer in time", r.error());
  }

  @Test
  void grpcAnswersDeadlineExceededWhenTheCoreDoesNotAnswer() {
    var req = GrpcInfer.addTyped(GrpcInfer.request("silent", ""), "x", "FP32", new long[] {1}, GrpcInfer.fp32(1f));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> edge.grpc.modelInfer(req.build()).toCompletableFuture().get(10, TimeUnit.SECONDS));
    StatusRuntimeException s = assertInstanceOf(StatusRuntimeException.class, e.getCause());
    assertEquals(Status.Code.DEADLINE_EXCEEDED, s.getStatus().getCode());
    assertEquals("the inference core did not answer in time", s.getStatus().getDescription());
  }

  @Test
  void gzippedRequestBodyIsDecoded() throws Exception {
    float[] a = Raw.ramp(16, 0);
    InferBody body = InferBody.builder()
        .input("INPUT0", "FP32", new long[] {1, 16}, a)
        .input("INPUT1", "FP32", new long[] {1, 16}, a)
        .build();
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(body.bytes());
    }
    int port = edge.bindings.rest().localAddress().getPort();
    RestClient.Response r = edge.rest.send(HttpRequest.newBuilder(
            URI.create("http://" + edge.settings.host() + ":" + port + "/v2/models/add_sub/infer"))
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())));
    assertEquals(200, r.status(), () -> new String(r.body()));
    float[] twice = new float[16];
    for (int i = 0; i < 16; i++) twice[i] = 2 * a[i];
    org.junit.jupiter.api.Assertions.assertArrayEquals(twice, InferResult.of(r).floats("OUTPUT0"));
  }
}

package io.inferencia.edge.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.inferencia.edge.kserve.KServeDocuments;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.RepositoryModelLoadRequest;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Client mistakes answer 400 / INVALID_ARGUMENT with a message that says what was wrong, never a 5xx,
 * and no error body names an internal class: shapes whose element count overflows, bodies that do
 * not match their Content-Encoding, malformed JSON where a parser's exception used to show through.
 */
class ClientErrorsTest {
  /** 2^32 x 2^32 elements: more than a long holds. */
  private static final String OVERFLOWING = "[4294967296, 4294967296]";
  private static final Pattern INTERNALS = Pattern.compile("Exception|com\\.fasterxml|com\\.google|java\\.lang|java\\.util");
  private static EdgeFixture edge;
  private static RestClient rest;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(new FakeGateway());
    rest = edge.rest;
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  void restShapeOverflowIs400() {
    RestClient.Response r = rest.post("/v2/models/add_sub/infer", "{\"inputs\": ["
        + "{\"name\": \"INPUT0\", \"datatype\": \"FP32\", \"shape\": " + OVERFLOWING + ", \"data\": [1]},"
        + "{\"name\": \"INPUT1\", \"datatype\": \"FP32\", \"shape\": [1, 16], \"data\": [1]}]}");
    assertEquals(400, r.status(), r.error());
    assertEquals("input 'INPUT0': shape [4294967296, 4294967296] has more elements than a tensor can hold", r.error());
  }

  @Test
  void restBinaryShapeWhoseByteSizeOverflowsIs400() {
    // 2^61 FP64 elements need 2^64 bytes, which wraps to 0 in a long: an empty body must not pass.
    String header = "{\"inputs\": [{\"name\": \"INPUT0\", \"datatype\": \"FP64\", \"shape\": [2305843009213693952],"
        + " \"parameters\": {\"binary_data_size\": 0}}]}";
    RestClient.Response r = rest.send(HttpRequest.newBuilder(URI.create(base() + "/v2/models/add_sub/infer"))
        .header("Content-Type", "application/octet-stream")
        .header("Inference-Header-Content-Length", Integer.toString(header.getBytes(StandardCharsets.UTF_8).length))
        .POST(HttpRequest.BodyPublishers.ofString(header)));
    assertEquals(400, r.status(), r.error());
    assertEquals("input 'INPUT0': FP64 shape [2305843009213693952] needs more bytes than a tensor can hold", r.error());
  }

  @Test
  void grpcShapeOverflowIsInvalidArgumentForRawAndTypedContents() {
    ModelInferRequest raw = GrpcInfer.addRaw(GrpcInfer.request("add_sub", ""), "INPUT0", "FP32",
        new long[] {1L << 32, 1L << 32}, new byte[4]).build();
    ModelInferRequest typed = GrpcInfer.addTyped(GrpcInfer.request("add_sub", ""), "INPUT0", "FP32",
        new long[] {1L << 32, 1L << 32}, GrpcInfer.fp32(1)).build();
    for (ModelInferRequest req : new ModelInferRequest[] {raw, typed}) {
      StatusRuntimeException e = grpcFailure(edge.grpc.modelInfer(req));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertEquals("input 'INPUT0': shape [4294967296, 4294967296] has more elements than a tensor can hold",
          e.getStatus().getDescription());
    }
  }

  @Test
  void aJobWithAnOverflowingShapeIsABadInputNotARetriedFault() {
    byte[] body = ("{\"inputs\": [{\"name\": \"INPUT0\", \"datatype\": \"FP32\", \"shape\": " + OVERFLOWING
        + ", \"data\": [1]}]}").getBytes(StandardCharsets.UTF_8);
    InferenceException e = assertThrows(InferenceException.class, () -> KServeDocuments.request("add_sub", body, body.length));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind(), "INVALID_ARGUMENT job failures are never retried");
  }

  @Test
  void aBodyThatIsNotItsContentEncodingIs400() {
    for (String encoding : new String[] {"gzip", "deflate"}) {
      RestClient.Response r = rest.send(HttpRequest.newBuilder(URI.create(base() + "/v2/models/add_sub/infer"))
          .header("Content-Type", "application/json")
          .header("Content-Encoding", encoding)
          .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": []} this is not " + encoding)));
      assertEquals(400, r.status(), encoding + ": " + r.error());
      assertTrue(r.error().startsWith("The request's encoding is corrupt"), r.error());
    }
  }

  @Test
  void malformedJsonErrorsNameNoInternalClasses() {
    RestClient.Response infer = rest.post("/v2/models/add_sub/infer", "{\"inputs\": [ {\"name\": ");
    RestClient.Response load = rest.post("/v2/repository/models/toggle/load", "{\"parameters\": {\"config\": \"{not json\"}}");
    RestClient.Response logging = rest.post("/v2/logging", "{\"log_info\": tru");
    RestClient.Response register = rest.post("/v2/systemsharedmemory/region/r/register", "[1,");
    for (RestClient.Response r : new RestClient.Response[] {infer, load, logging, register}) {
      assertEquals(400, r.status(), r.error());
      assertFalse(INTERNALS.matcher(r.error()).find(), r.error());
    }
    assertTrue(load.error().startsWith("load parameter 'config' is not a model config in JSON"), load.error());
  }

  @Test
  void grpcMalformedConfigNamesNoInternalClasses() {
    StatusRuntimeException e = grpcFailure(edge.grpc.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
        .setModelName("toggle")
        .putParameters("config", io.inferencia.protocols.grpc.ModelRepositoryParameter.newBuilder()
            .setStringParam("{not json").build())
        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertFalse(INTERNALS.matcher(e.getStatus().getDescription()).find(), e.getStatus().getDescription());
  }

  private static String base() {
    return "http://" + edge.settings.host() + ":" + edge.bindings.rest().localAddress().getPort();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static StatusRuntimeException grpcFailure(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
    return assertInstanceOf(StatusRuntimeException.class, e.getCause());
  }
}

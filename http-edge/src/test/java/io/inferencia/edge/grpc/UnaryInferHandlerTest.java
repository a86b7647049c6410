package io.inferencia.edge.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fast unary ModelInfer over a real HTTP/2 connection: an uncompressed message is answered by it,
 * with grpc-status in the trailer; a compressed one still goes through the generated handler; errors
 * are trailers-only; and the frame parser refuses everything but exactly one uncompressed message.
 */
class UnaryInferHandlerTest {
  private static final long[] ONE_ROW = {1, FakeGateway.ADD_SUB_WIDTH};
  private static EdgeFixture edge;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(new FakeGateway());
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  void uncompressedCallIsAnsweredByTheFastPathWithStatusInTheTrailer() throws Exception {
    float[] a = Raw.ramp(16, 1);
    float[] b = Raw.ramp(16, 3);
    HttpResponse response = post(frame(0, request(a, b).toByteArray()), Optional.empty());
    // Pekko gRPC's handler announces grpc-encoding on every answer; the fast path sends nothing to say.
    assertTrue(response.getHeader("grpc-encoding").isEmpty(), "answered by the fast path");
    assertOkWithSum(read(response), a, b);
  }

  @Test
  void compressedCallStillGoesThroughTheGeneratedHandler() throws Exception {
    float[] a = Raw.ramp(16, 2);
    float[] b = Raw.ramp(16, 7);
    HttpResponse response = post(frame(1, gzip(request(a, b).toByteArray())), Optional.of("gzip"));
    assertTrue(response.getHeader("grpc-encoding").isPresent(), "answered by Pekko gRPC's handler");
    assertOkWithSum(read(response), a, b);
  }

  @Test
  void errorsLeaveAsTrailersOnly() throws Exception {
    ModelInferRequest unknown = request(Raw.ramp(16, 1), Raw.ramp(16, 1)).toBuilder()
        .setModelName("no_such_model")
        .build();
    HttpResponse response = post(frame(0, unknown.toByteArray()), Optional.empty());
    assertEquals("5", response.getHeader("grpc-status").orElseThrow().value(), "NOT_FOUND in the headers");
    assertEquals(0, read(response).data().size());
  }

  /** The answer's data and the headers of its trailer (an HTTP/2 client always sees a chunked entity). */
  private record Answer(ByteString data, List<HttpHeader> trailers) {
    String trailer(String name) {
      return trailers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(HttpHeader::value).findFirst()
          .orElseThrow(() -> new AssertionError("no " + name + " in the trailer " + trailers));
    }
  }

  private static Answer read(HttpResponse response) throws Exception {
    if (!(response.entity() instanceof HttpEntity.Chunked chunked))
      return new Answer(response.entity().toStrict(10_000, edge.testKit.system()).toCompletableFuture()
          .get(10, TimeUnit.SECONDS).getData(), List.of());
    List<HttpEntity.ChunkStreamPart> parts = chunked.getChunks().runWith(Sink.seq(), edge.testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    ByteString data = ByteString.emptyByteString();
    List<HttpHeader> trailers = new ArrayList<>();
    for (HttpEntity.ChunkStreamPart p : parts) {
      data = data.concat(p.data());
      if (p.isLastChunk()) p.getTrailerHeaders().forEach(trailers::add);
    }
    return new Answer(data, trailers);
  }

  @Test
  void theClientsDeadlineReachesTheCore() throws Exception {
    ModelInferRequest.Builder req = GrpcInfer.request("client_timeout", "");
    GrpcInfer.addRaw(req, "X", "FP32", new long[] {1}, Raw.floats(new float[] {0}));
    byte[] body = frame(0, req.build().toByteArray());
    assertEquals(250_000L, clientTimeoutSeen(post(body, Optional.empty(), List.of(RawHeader.create("grpc-timeout", "250m")))));
    assertEquals(0L, clientTimeoutSeen(post(body, Optional.empty())), "no deadline, no limit");
  }

  @Test
  void grpcTimeoutHeaderUnits() {
    assertEquals(Optional.of(7_200_000_000L), GrpcTimeout.parse("2H"));
    assertEquals(Optional.of(60_000_000L), GrpcTimeout.parse("1M"));
    assertEquals(Optional.of(3_000_000L), GrpcTimeout.parse("3S"));
    assertEquals(Optional.of(250_000L), GrpcTimeout.parse("250m"));
    assertEquals(Optional.of(40L), GrpcTimeout.parse("40u"));
    assertEquals(Optional.of(2L), GrpcTimeout.parse("1001n"), "nanoseconds round up");
    assertEquals(Optional.empty(), GrpcTimeout.parse("123456789S"), "at most 8 digits");
    assertEquals(Optional.empty(), GrpcTimeout.parse("5x"));
    assertEquals(Optional.empty(), GrpcTimeout.parse("-5S"));
    assertEquals(Optional.empty(), GrpcTimeout.parse("S"));
  }

  private static long clientTimeoutSeen(HttpResponse response) throws Exception {
    assertTrue(response.getHeader("grpc-status").isEmpty(), () -> "failed: " + response.getHeader("grpc-message"));
    Answer answer = read(response);
    assertEquals("0", answer.trailer("grpc-status"));
    ModelInferResponse r = ModelInferResponse.parseFrom(answer.data().drop(5).toArray());
    return ByteBuffer.wrap(GrpcInfer.rawOutput(r, "CLIENT_TIMEOUT_US")).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
  }

  @Test
  void parserTakesOnlyOneWholeUncompressedMessage() {
    byte[] message = request(Raw.ramp(16, 1), Raw.ramp(16, 1)).toByteArray();
    assertTrue(UnaryInferHandler.parse(ByteString.fromArray(frame(0, message))).isPresent());
    assertFalse(UnaryInferHandler.parse(ByteString.fromArray(frame(1, message))).isPresent(), "compressed");
    byte[] cut = frame(0, message);
    assertFalse(UnaryInferHandler.parse(ByteString.fromArray(cut).take(cut.length - 1)).isPresent(), "truncated");
    byte[] two = ByteString.fromArray(cut).concat(ByteString.fromArray(cut)).toArray();
    assertFalse(UnaryInferHandler.parse(ByteString.fromArray(two)).isPresent(), "two messages");
    assertFalse(UnaryInferHandler.parse(ByteString.fromArray(new byte[] {0, 0})).isPresent(), "no header");
    assertFalse(UnaryInferHandler.parse(ByteString.fromArray(frame(0, new byte[] {(byte) 0xFF, 0x01}))).isPresent(),
        "not protobuf");
  }

  private static ModelInferRequest request(float[] a, float[] b) {
    ModelInferRequest.Builder req = GrpcInfer.request("add_sub", "");
    GrpcInfer.addRaw(req, "INPUT0", "FP32", ONE_ROW, Raw.floats(a));
    GrpcInfer.addRaw(req, "INPUT1", "FP32", ONE_ROW, Raw.floats(b));
    return req.build();
  }

  /** Status OK in the trailer, and the one message carries a + b as OUTPUT0. */
  private static void assertOkWithSum(Answer answer, float[] a, float[] b) throws Exception {
    assertEquals("0", answer.trailer("grpc-status"));
    ByteString frame = answer.data();
    assertEquals(0, frame.apply(0), "answers are not compressed");
    int length = ByteBuffer.wrap(frame.slice(1, 5).toArray()).getInt();
    assertEquals(frame.size() - 5, length);
    ModelInferResponse r = ModelInferResponse.parseFrom(frame.drop(5).toArray());
    float[] sum = new float[a.length];
    for (int i = 0; i < a.length; i++) sum[i] = a[i] + b[i];
    assertArrayEquals(sum, Raw.floats(GrpcInfer.rawOutput(r, "OUTPUT0")));
  }

  private static HttpResponse post(byte[] body, Optional<String> encoding) throws Exception {
    return post(body, encoding, List.of());
  }

  private static HttpResponse post(byte[] body, Optional<String> encoding, List<HttpHeader> extra) throws Exception {
    int port = edge.bindings.grpc().localAddress().getPort();
    HttpRequest request = HttpRequest.create()
        .withMethod(HttpMethods.POST)
        .withUri("http://" + edge.settings.host() + ":" + port + UnaryInferHandler.PATH)
        .addHeader(RawHeader.create("te", "trailers"))
        .withEntity(HttpEntities.create(GrpcStatusResponses.GRPC, body));
    if (encoding.isPresent()) request = request.addHeader(RawHeader.create("grpc-encoding", encoding.get()));
    for (HttpHeader h : extra) request = request.addHeader(h);
    var connection = Http.get(edge.testKit.system()).connectionTo(edge.settings.host()).toPort(port)
        .http2WithPriorKnowledge();
    return Source.single(request).via(connection).runWith(Sink.head(), edge.testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static byte[] frame(int flag, byte[] message) {
    return ByteBuffer.allocate(5 + message.length).put((byte) flag).putInt(message.length).put(message).array();
  }

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }
}

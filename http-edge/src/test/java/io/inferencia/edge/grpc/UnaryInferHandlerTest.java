package io.inferencia.edge.grpc;

import static io.inferencia.edge.testkit.RawGrpc.frame;
import static io.inferencia.edge.testkit.RawGrpc.gzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.GrpcEdge;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.RawGrpc;
import io.inferencia.edge.testkit.RawGrpc.Answer;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fast unary ModelInfer over a real HTTP/2 connection: an uncompressed message is answered by it,
 * with grpc-status in the trailer, as is a gzip or deflate one inflated within the limit; errors
 * are trailers-only; and the frame parser refuses everything but exactly one uncompressed message.
 */
class UnaryInferHandlerTest {
  private static final long[] ONE_ROW = {1, FakeGateway.ADD_SUB_WIDTH};
  @RegisterExtension static final GrpcEdge edge = new GrpcEdge();

  /** The raw input bytes alias the received body: written to here, the parsed tensor sees it (no copy was made). */
  @Test
  void rawInputContentsShareTheBodyInsteadOfACopy() {
    ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("m")
        .addRawInputContents(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})).build();
    byte[] message = request.toByteArray();
    byte[] body = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    ModelInferRequest parsed = UnaryInferHandler.parse(ByteString.fromArrayUnsafe(body)).orElseThrow();
    assertEquals(8, parsed.getRawInputContents(0).size());
    body[body.length - 1] = 42; // the last byte of the message is the last raw input byte
    assertEquals(42, parsed.getRawInputContents(0).byteAt(7));
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
  void gzipAndDeflateCallsAreInflatedAndAnsweredByTheFastPath() throws Exception {
    float[] a = Raw.ramp(16, 2);
    float[] b = Raw.ramp(16, 7);
    byte[] message = request(a, b).toByteArray();
    for (var encoded : List.of(new Object[] {"gzip", gzip(message)}, new Object[] {"deflate", RawGrpc.deflate(message)})) {
      HttpResponse response = post(frame(1, (byte[]) encoded[1]), Optional.of((String) encoded[0]));
      assertTrue(response.getHeader("grpc-encoding").isEmpty(), encoded[0] + " answered by the fast path");
      assertOkWithSum(read(response), a, b);
    }
  }

  @Test
  void anUnknownEncodingIsLeftToTheGeneratedHandler() throws Exception {
    HttpResponse response = post(frame(1, gzip(request(Raw.ramp(16, 2), Raw.ramp(16, 7)).toByteArray())), Optional.of("snappy"));
    assertEquals(String.valueOf(Status.Code.UNIMPLEMENTED.value()), response.getHeader("grpc-status").orElseThrow().value());
  }

  @Test
  void aMessageInflatingPastTheLimitIsRefusedWithoutInflatingIt() throws Exception {
    // Under 1 MiB of gzip that would inflate to 1 GiB: the edge stops at its 1 MiB limit.
    byte[] bomb = gzippedZeros(1L << 30);
    assertTrue(bomb.length < 2_000_000, "a small body: " + bomb.length);
    HttpResponse response = post(frame(1, bomb), Optional.of("gzip"));
    assertEquals(String.valueOf(Status.Code.RESOURCE_EXHAUSTED.value()), response.getHeader("grpc-status").orElseThrow().value());
    assertTrue(response.getHeader("grpc-message").orElseThrow().value().contains("decompresses to more than the limit of 1048576 bytes"),
        response.getHeader("grpc-message").orElseThrow().value());
  }

  @Test
  void corruptCompressedDataIsInvalidArgument() throws Exception {
    HttpResponse response = post(frame(1, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3}), Optional.of("gzip"));
    assertEquals(String.valueOf(Status.Code.INVALID_ARGUMENT.value()), response.getHeader("grpc-status").orElseThrow().value());
    assertTrue(response.getHeader("grpc-message").orElseThrow().value().contains("cannot decompress the gzip request message"));
  }

  /** gzip of {@code size} zero bytes, written in pieces so the test never holds them. */
  static byte[] gzippedZeros(long size) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      for (long left = size; left > 0; left -= zeros.length) gz.write(zeros, 0, (int) Math.min(zeros.length, left));
    }
    return out.toByteArray();
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

  private static Answer read(HttpResponse response) throws Exception {
    return edge.read(response);
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
    return edge.post(UnaryInferHandler.PATH, body, encoding, extra);
  }
}

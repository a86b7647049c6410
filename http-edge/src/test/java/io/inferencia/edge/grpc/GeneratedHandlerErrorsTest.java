package io.inferencia.edge.grpc;

import static io.inferencia.edge.testkit.RawGrpc.frame;
import static io.inferencia.edge.testkit.RawGrpc.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import io.inferencia.edge.testkit.GrpcEdge;
import io.inferencia.protocols.grpc.ModelMetadataRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Client mistakes on the calls the generated Pekko gRPC handler serves (everything but the fast unary
 * ModelInfer): malformed frames, messages and compression are INVALID_ARGUMENT, an empty body says
 * so, unknown methods and services are UNIMPLEMENTED; and a flood of garbage is logged briefly, a
 * bounded number of lines without stack traces.
 */
class GeneratedHandlerErrorsTest {
  private static final String METADATA = "/inference.GRPCInferenceService/ModelMetadata";
  private static final String STREAM = "/inference.GRPCInferenceService/ModelStreamInfer";
  @RegisterExtension static final GrpcEdge edge = new GrpcEdge();

  /** The call's status code and message, from the headers (trailers-only) or the trailer. */
  record Outcome(int code, String message) {}

  static Outcome call(String path, byte[] body, Optional<String> encoding) throws Exception {
    GrpcEdge.Outcome o = edge.call(path, body, encoding);
    return new Outcome(Integer.parseInt(o.status()), URLDecoder.decode(o.message(), StandardCharsets.UTF_8));
  }

  private static void assertStatus(Status.Code code, String fragment, Outcome o) {
    assertEquals(code.value(), o.code(), o.toString());
    assertTrue(o.message().contains(fragment), "mentions '" + fragment + "': " + o);
    assertFalse(o.message().equals("null") || o.message().contains("Exception"), o.toString());
  }

  @Test
  void aTruncatedFrameIsInvalidArgument() throws Exception {
    byte[] truncated = {0, 0, 0, 0, 9, 1, 2, 3};
    assertStatus(Status.Code.INVALID_ARGUMENT, "not one whole gRPC message", call(METADATA, truncated, Optional.empty()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "the stream ended inside a request message", call(STREAM, truncated, Optional.empty()));
  }

  @Test
  void aMessageThatIsNotProtobufIsInvalidArgument() throws Exception {
    byte[] garbage = frame(0, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertStatus(Status.Code.INVALID_ARGUMENT, "not valid protobuf", call(METADATA, garbage, Optional.empty()));
  }

  @Test
  void anEmptyBodyIsInvalidArgumentWithAMessage() throws Exception {
    assertStatus(Status.Code.INVALID_ARGUMENT, "no request message", call(METADATA, new byte[0], Optional.empty()));
  }

  @Test
  void corruptOrUndeclaredCompressionIsInvalidArgument() throws Exception {
    byte[] notGzip = frame(1, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    assertStatus(Status.Code.INVALID_ARGUMENT, "cannot decompress the gzip request message", call(METADATA, notGzip, Optional.of("gzip")));
    byte[] compressedWithoutEncoding = frame(1, gzip(ModelMetadataRequest.newBuilder().setName("add_sub").build().toByteArray()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "marked compressed but the call names no grpc-encoding",
        call(METADATA, compressedWithoutEncoding, Optional.empty()));
  }

  @Test
  void unknownMethodsAndServicesAreUnimplemented() throws Exception {
    byte[] empty = frame(0, new byte[0]);
    assertStatus(Status.Code.UNIMPLEMENTED, "NoSuchMethod", call("/inference.GRPCInferenceService/NoSuchMethod", empty, Optional.empty()));
    assertStatus(Status.Code.UNIMPLEMENTED, "no.Such", call("/no.Such/Method", empty, Optional.empty()));
  }

  @Test
  void aValidCallStillWorks() throws Exception {
    Outcome ok = call(METADATA, frame(0, ModelMetadataRequest.newBuilder().setName("add_sub").build().toByteArray()), Optional.empty());
    assertEquals(0, ok.code(), ok.toString());
  }

  @Test
  void garbageIsLoggedBrieflyAndRateLimited() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    root.addAppender(seen);
    long start = System.nanoTime();
    try {
      for (int i = 0; i < 200; i++)
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), call(METADATA, new byte[] {0, 0, 0, 0, 9, 1, 2, 3}, Optional.empty()).code());
    } finally {
      root.detachAppender(seen);
    }
    List<ILoggingEvent> events = List.copyOf(seen.list);
    // One burst per interval the calls spanned (the first window may have begun before them).
    long windows = (System.nanoTime() - start) / GrpcClientErrorLog.INTERVAL.toNanos() + 2;
    assertTrue(events.size() <= GrpcClientErrorLog.BURST * windows,
        "at most " + windows + " bursts of lines for 200 bad calls: " + events.size());
    for (ILoggingEvent e : events) {
      assertNull(e.getThrowableProxy(), "no stack trace: " + e.getFormattedMessage());
      assertTrue(e.getLevel().toInt() <= ch.qos.logback.classic.Level.WARN.toInt(), "not an ERROR: " + e.getFormattedMessage());
    }
  }
}

package io.inferencia.edge.grpc;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import java.util.Optional;
import org.apache.pekko.util.ByteString;

/** gRPC's length-prefixed message framing: 1 compressed-flag byte, then a 4-byte big-endian length. */
final class GrpcFrames {
  static final int HEADER = 5;

  private GrpcFrames() {}

  /** The message length a frame header declares, read from {@code bytes} at {@code offset}. */
  static long declaredLength(ByteString bytes, int offset) {
    return ((bytes.apply(offset + 1) & 0xFFL) << 24) | ((bytes.apply(offset + 2) & 0xFF) << 16)
        | ((bytes.apply(offset + 3) & 0xFF) << 8) | (bytes.apply(offset + 4) & 0xFF);
  }

  static long declaredLength(byte[] header) {
    return declaredLength(ByteString.fromArrayUnsafe(header), 0);
  }

  /** Whether {@code body} is exactly one frame, header and all. */
  static boolean isOneFrame(ByteString body) {
    return body.size() >= HEADER && declaredLength(body, 0) == body.size() - HEADER;
  }

  /**
   * Refuses (INVALID_ARGUMENT) a unary call's body that is not exactly one message, or a message
   * marked compressed in a call that names no encoding. Pekko gRPC's decoder would fail on these too,
   * but as INTERNAL and with a stack trace logged at ERROR for each.
   */
  static void checkUnary(ByteString body, Optional<String> encoding) {
    if (body.isEmpty()) throw invalid("the call carried no request message");
    if (body.size() < HEADER)
      throw invalid("the request is not a whole gRPC message: " + body.size() + " bytes, shorter than a frame header");
    long declared = declaredLength(body, 0);
    if (declared != body.size() - HEADER)
      throw invalid("the request is not one whole gRPC message: its frame declares " + declared + " bytes, "
          + (body.size() - HEADER) + " followed");
    int flag = body.apply(0);
    if (flag != 0 && flag != 1) throw invalid("the request's frame has the invalid flag " + flag);
    if (flag == 1 && encoding.filter(e -> !e.equals("identity")).isEmpty())
      throw invalid("the request message is marked compressed but the call names no grpc-encoding");
  }

  /** Writes an uncompressed frame header for a message of {@code size} bytes at the start of {@code into}. */
  static void writeHeader(byte[] into, int size) {
    into[0] = 0;
    into[1] = (byte) (size >>> 24);
    into[2] = (byte) (size >>> 16);
    into[3] = (byte) (size >>> 8);
    into[4] = (byte) size;
  }
}

package io.inferencia.edge.grpc;

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

  /** Writes an uncompressed frame header for a message of {@code size} bytes at the start of {@code into}. */
  static void writeHeader(byte[] into, int size) {
    into[0] = 0;
    into[1] = (byte) (size >>> 24);
    into[2] = (byte) (size >>> 16);
    into[3] = (byte) (size >>> 8);
    into[4] = (byte) size;
  }
}

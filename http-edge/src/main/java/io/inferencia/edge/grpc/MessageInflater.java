package io.inferencia.edge.grpc;

import io.inferencia.protocols.inference.InferenceException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Decompresses one gRPC message (grpc-encoding gzip or deflate) up to the request limit. Pekko gRPC's
 * own codecs inflate without bound, so a few hundred kilobytes of gzip could expand into gigabytes and
 * take the node down; here inflation stops as soon as the output passes the limit.
 */
final class MessageInflater {
  private static final int CHUNK = 64 * 1024;

  private MessageInflater() {}

  /** Whether this class decodes {@code encoding}; others are left to Pekko gRPC (which refuses them). */
  static boolean decodes(Optional<String> encoding) {
    return encoding.map(e -> e.equals("gzip") || e.equals("deflate")).orElse(false);
  }

  /**
   * A unary call's body whose one message is compressed in an encoding decoded here, as the same
   * message uncompressed (flag 0); any other body unchanged.
   */
  static ByteString uncompressedFrame(ByteString body, Optional<String> encoding, long limit) {
    if (!GrpcFrames.isOneFrame(body) || body.apply(0) != 1 || !decodes(encoding)) return body;
    int header = GrpcFrames.HEADER;
    ByteString message = inflate(encoding.get(), body.toArrayUnsafe(), header, body.size() - header, limit);
    byte[] framed = new byte[header + message.size()];
    GrpcFrames.writeHeader(framed, message.size());
    message.copyToArray(framed, header, message.size());
    return ByteString.fromArrayUnsafe(framed);
  }

  /**
   * @throws InferenceException RESOURCE_EXHAUSTED once the output passes {@code limit}, as for an
   *     oversized message; INVALID_ARGUMENT when the data is not valid (the client's mistake)
   */
  static ByteString inflate(String encoding, byte[] data, int offset, int length, long limit) {
    ByteStringBuilder out = ByteString.createBuilder();
    byte[] buffer = new byte[CHUNK];
    long total = 0;
    try (InputStream in = open(encoding, new ByteArrayInputStream(data, offset, length))) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        total += n;
        if (total > limit)
          throw InferenceException.exhausted("request message decompresses to more than the limit of " + limit + " bytes");
        out.putBytes(buffer, 0, n);
      }
    } catch (IOException e) {
      throw InferenceException.invalid("cannot decompress the " + encoding + " request message: "
          + (e.getMessage() == null ? "it is not valid " + encoding + " data" : e.getMessage()));
    }
    return out.result();
  }

  private static InputStream open(String encoding, InputStream raw) throws IOException {
    return encoding.equals("gzip") ? new GZIPInputStream(raw, CHUNK) : new InflaterInputStream(raw);
  }
}

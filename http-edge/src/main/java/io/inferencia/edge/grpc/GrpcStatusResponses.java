package io.inferencia.edge.grpc;

import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;

/** gRPC status on the wire (PROTOCOL-HTTP2.md): the grpc-status and grpc-message headers or trailers. */
final class GrpcStatusResponses {
  static final ContentType GRPC = ContentTypes.parse("application/grpc");

  private GrpcStatusResponses() {}

  static HttpHeader statusHeader(Status status) {
    return RawHeader.create("grpc-status", Integer.toString(status.getCode().value()));
  }

  static List<HttpHeader> statusHeaders(Status status, String message) {
    return List.of(statusHeader(status), RawHeader.create("grpc-message", percentEncode(message == null ? "" : message)));
  }

  /** A "trailers-only" response: the status travels in the response headers, no body. */
  static HttpResponse trailersOnly(Status status, String message) {
    return HttpResponse.create()
        .addHeaders(statusHeaders(status, message))
        .withEntity(HttpEntities.create(GRPC, ByteString.emptyByteString()));
  }

  /** grpc-message is percent-encoded UTF-8. */
  private static String percentEncode(String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      if (b >= 0x20 && b < 0x7F && b != '%') out.write(b);
      else out.writeBytes(String.format("%%%02X", b & 0xFF).getBytes(StandardCharsets.US_ASCII));
    }
    return out.toString(StandardCharsets.US_ASCII);
  }
}

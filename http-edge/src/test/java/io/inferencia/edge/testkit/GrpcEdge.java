package io.inferencia.edge.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A running edge on a {@link FakeGateway} for a test class's gRPC calls, stock client or hand-written:
 * register it on a static field with {@code @RegisterExtension}; it binds before the class's tests and
 * shuts down after them.
 */
public final class GrpcEdge implements BeforeAllCallback, AfterAllCallback {
  private final Config overrides;
  private final Route[] moreRoutes;
  private EdgeFixture edge;

  /** What a client sees of a call: status and grpc-message (as sent, percent-encoded), the data, who answered. */
  public record Outcome(String status, String message, ByteString data, boolean fastPath) {}

  public GrpcEdge() {
    this(ConfigFactory.empty());
  }

  /** With config overrides, serving {@code moreRoutes} on the REST port too. */
  public GrpcEdge(Config overrides, Route... moreRoutes) {
    this.overrides = overrides;
    this.moreRoutes = moreRoutes;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    edge = EdgeFixture.start(new FakeGateway(), overrides, moreRoutes);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    edge.close();
  }

  public EdgeFixture fixture() {
    return edge;
  }

  public HttpResponse post(String path, byte[] body, Optional<String> encoding) throws Exception {
    return post(path, body, encoding, List.of());
  }

  /** One hand-written call over a fresh HTTP/2 connection. */
  public HttpResponse post(String path, byte[] body, Optional<String> encoding, List<HttpHeader> extra) throws Exception {
    return RawGrpc.post(edge, path, body, encoding, extra);
  }

  public RawGrpc.Answer read(HttpResponse response) throws Exception {
    return RawGrpc.read(edge, response);
  }

  /** A hand-written call's outcome: its status from the headers (trailers-only) or from the trailer. */
  public Outcome call(String path, byte[] body, Optional<String> encoding) throws Exception {
    HttpResponse response = post(path, body, encoding);
    // Pekko gRPC's handler always announces grpc-encoding; the fast path has nothing to announce.
    boolean fastPath = response.getHeader("grpc-encoding").isEmpty();
    Optional<String> status = response.getHeader("grpc-status").map(HttpHeader::value);
    Optional<String> message = response.getHeader("grpc-message").map(HttpHeader::value);
    RawGrpc.Answer answer = read(response);
    if (status.isEmpty()) {
      status = Optional.of(answer.trailer("grpc-status"));
      message = answer.trailers().stream().filter(h -> h.name().equalsIgnoreCase("grpc-message")).map(HttpHeader::value).findFirst();
    }
    return new Outcome(status.get(), message.orElse(""), answer.data(), fastPath);
  }
}

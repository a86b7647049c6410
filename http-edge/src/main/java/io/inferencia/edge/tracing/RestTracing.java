package io.inferencia.edge.tracing;

import io.inferencia.edge.metrics.RouteLabel;
import io.inferencia.protocols.tracing.Tracing;
import kamon.trace.Span;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The REST edge's server spans: one per API call, child of the caller's W3C {@code traceparent}
 * header when it sent one, named by method and route template ({@code POST /v1/jobs}). The span's own
 * traceparent rides on the request as an attribute, for the handlers that pass it on (a job's
 * submission, an inference call). Health, readiness, metrics and the web page's files make no span.
 */
public final class RestTracing extends AllDirectives {
  private static final AttributeKey<String> TRACE = AttributeKey.create("inferencia-traceparent", String.class);

  /** {@code inner} (sealed: every rejection and error is an answer) with a span around each traced call. */
  public Route traced(Route inner) {
    return extractRequest(request -> {
      String path = request.getUri().path();
      if (!Tracing.enabled() || !traced(path)) return inner;
      String method = request.method().name();
      String route = RouteLabel.of(path);
      Span span = Tracing.server(method + " " + route, "http",
          request.getHeader(Tracing.TRACEPARENT).map(HttpHeader::value).orElse(""));
      span.tag("http.method", method);
      span.tag("http.route", route);
      String traceparent = Tracing.traceparent(span);
      return mapRequest(r -> r.addAttribute(TRACE, traceparent), () -> mapResponse(response -> {
        int status = response.status().intValue();
        span.tag("http.status_code", status);
        if (status >= 500) span.fail("HTTP " + status);
        span.finish();
        return response;
      }, () -> inner));
    });
  }

  /** The traceparent of the request's server span; {@code ""} when it has none. */
  public static String traceparent(HttpRequest request) {
    return request.getAttribute(TRACE).orElse("");
  }

  private static boolean traced(String path) {
    return path.startsWith("/v1/") || (path.startsWith("/v2/") && !path.startsWith("/v2/health")
        && !path.endsWith("/ready"));
  }
}

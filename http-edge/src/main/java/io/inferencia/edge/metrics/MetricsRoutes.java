package io.inferencia.edge.metrics;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** {@code GET /metrics}, and the directive that counts the REST edge's requests, answers and body bytes. */
public final class MetricsRoutes extends AllDirectives {
  private final EdgeMetrics metrics;

  public MetricsRoutes(EdgeMetrics metrics) {
    this.metrics = metrics;
  }

  public Route route() {
    return scrape();
  }

  /**
   * {@code GET /metrics}: the JVM's Prometheus text. Also served on the management port of every node
   * (a gpu-only node has no REST edge), where the placement controller's gauges live.
   */
  public static Route scrape() {
    return Directives.path("metrics", () -> Directives.get(() -> Directives.complete(HttpEntities.create(
        ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8"),
        EdgeMetrics.scrapeText().getBytes(StandardCharsets.UTF_8)))));
  }

  /**
   * Counts bytes as the route reads them (strict bodies at once, streamed ones chunk by chunk), and each
   * answer by method, route and status. {@code inner} is sealed, so rejections are answers too.
   */
  public Route counting(Route inner) {
    return extractRequest(request -> mapResponse(response -> {
      metrics.answered(request.method().name(), request.getUri().path(), response.status().intValue());
      return response;
    }, () -> mapRequest(this::count, () -> inner)));
  }

  private HttpRequest count(HttpRequest request) {
    metrics.request();
    RequestEntity entity = request.entity();
    if (entity instanceof HttpEntity.Strict strict) {
      metrics.received(strict.getData().size());
      return request;
    }
    Source<ByteString, Object> counted = entity.getDataBytes().map(chunk -> {
      metrics.received(chunk.size());
      return chunk;
    });
    return request.withEntity(entity.getContentLengthOption().isPresent()
        ? HttpEntities.create(entity.getContentType(), entity.getContentLengthOption().getAsLong(), counted)
        : HttpEntities.createChunked(entity.getContentType(), counted));
  }
}

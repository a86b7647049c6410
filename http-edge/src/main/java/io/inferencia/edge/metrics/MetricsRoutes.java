package io.inferencia.edge.metrics;

import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** {@code GET /metrics}, and the directive that counts the REST edge's requests and body bytes. */
public final class MetricsRoutes extends AllDirectives {
  private final EdgeMetrics metrics;
  private final LongAdder bodyBytes;
  private final LongAdder requests;

  public MetricsRoutes(EdgeMetrics metrics) {
    this.metrics = metrics;
    this.bodyBytes = metrics.counter(EdgeMetrics.REQUEST_BODY_BYTES, "");
    this.requests = metrics.counter(EdgeMetrics.REQUESTS, "");
  }

  public Route route() {
    return path("metrics", () -> get(() -> complete(HttpEntities.create(
        ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8"),
        metrics.render().getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
  }

  /** Counts bytes as the route reads them (strict bodies at once, streamed ones chunk by chunk). */
  public Route counting(Route inner) {
    return mapRequest(this::count, () -> inner);
  }

  private HttpRequest count(HttpRequest request) {
    requests.increment();
    RequestEntity entity = request.entity();
    if (entity instanceof HttpEntity.Strict strict) {
      bodyBytes.add(strict.getData().size());
      return request;
    }
    Source<ByteString, Object> counted = entity.getDataBytes().map(chunk -> {
      bodyBytes.add(chunk.size());
      return chunk;
    });
    return request.withEntity(entity.getContentLengthOption().isPresent()
        ? HttpEntities.create(entity.getContentType(), entity.getContentLengthOption().getAsLong(), counted)
        : HttpEntities.createChunked(entity.getContentType(), counted));
  }
}

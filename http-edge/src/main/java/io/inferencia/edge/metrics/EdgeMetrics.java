package io.inferencia.edge.metrics;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.MeasurementUnit;
import kamon.prometheus.PrometheusReporter;
import kamon.tag.TagSet;

/**
 * The REST edge's own metrics in Kamon, and the node's whole Prometheus scrape text. The edge counts
 * every request body byte it receives, which is how the tests prove that uploads go to object storage
 * and never through the edge, and every request by method, route template and status.
 */
public final class EdgeMetrics {
  /** Names as Prometheus shows them. */
  public static final String REQUEST_BODY_BYTES = "inferencia_edge_request_body_bytes_total";
  public static final String REQUESTS = "inferencia_edge_requests_total";
  public static final String HTTP_REQUESTS = "inferencia_http_server_requests_total";

  /**
   * Kamon's Prometheus reporter gives every counter a {@code _total} suffix; Triton's counters have none,
   * and dashboards built for Triton look them up by its names.
   */
  private static final Pattern TRITON_COUNTER = Pattern.compile("^((?:# (?:HELP|TYPE) )?nv_\\w+?)_total\\b",
      Pattern.MULTILINE);

  private final Counter bodyBytes = Kamon.counter("inferencia.edge.request.body",
      "Request body bytes received by the REST edge", MeasurementUnit.information().bytes()).withoutTags();
  private final Counter requests = Kamon.counter("inferencia.edge.requests",
      "Requests received by the REST edge").withoutTags();

  void received(long bytes) {
    bodyBytes.increment(bytes);
  }

  void request() {
    requests.increment();
  }

  /** One answered REST request; {@code path} is reduced to its route template. */
  void answered(String method, String path, int status) {
    TagSet tags = TagSet.of("method", method).withTag("route", RouteLabel.of(path)).withTag("status", (long) status);
    Kamon.counter("inferencia.http.server.requests", "REST requests answered, by method, route and status")
        .withTags(tags).increment();
  }

  /**
   * The Prometheus text exposition (format 0.0.4) of every metric in this JVM, as Kamon's reporter last
   * prepared it ({@code kamon.metric.tick-interval} old at most); empty before Kamon is initialised.
   */
  public String render() {
    return scrapeText();
  }

  /** As {@link #render()}, without an instance (the management port's {@code /metrics}). */
  public static String scrapeText() {
    String scrape = PrometheusReporter.latestScrapeData().getOrElse(() -> "");
    Matcher m = TRITON_COUNTER.matcher(scrape);
    return m.find() ? m.reset().replaceAll("$1") : scrape;
  }
}

package io.inferencia.edge.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The node's counters and gauges, exposed in the Prometheus text format at {@code GET /metrics}. The
 * REST edge counts every request body byte it receives, which is how the tests prove that uploads go
 * to object storage and never through the edge.
 */
public final class EdgeMetrics {
  public static final String REQUEST_BODY_BYTES = "inferencia_edge_request_body_bytes_total";
  public static final String REQUESTS = "inferencia_edge_requests_total";

  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, String> help = new ConcurrentHashMap<>();
  private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

  public EdgeMetrics() {
    counter(REQUEST_BODY_BYTES, "Request body bytes received by the REST edge.");
    counter(REQUESTS, "Requests received by the REST edge.");
  }

  public LongAdder counter(String name, String description) {
    help.putIfAbsent(name, description);
    return counters.computeIfAbsent(name, n -> new LongAdder());
  }

  public void gauge(String name, String description, LongSupplier value) {
    help.put(name, description);
    gauges.put(name, value);
  }

  public long value(String name) {
    LongAdder c = counters.get(name);
    if (c != null) return c.sum();
    LongSupplier g = gauges.get(name);
    return g == null ? 0 : g.getAsLong();
  }

  /** Prometheus text exposition format 0.0.4. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(counters).forEach((name, c) -> line(sb, name, "counter", c.sum()));
    new TreeMap<>(gauges).forEach((name, g) -> line(sb, name, "gauge", g.getAsLong()));
    return sb.toString();
  }

  private void line(StringBuilder sb, String name, String type, long value) {
    sb.append("# HELP ").append(name).append(' ').append(help.getOrDefault(name, name)).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    sb.append(name).append(' ').append(value).append('\n');
  }
}

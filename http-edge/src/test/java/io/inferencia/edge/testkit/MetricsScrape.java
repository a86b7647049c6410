package io.inferencia.edge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.metrics.EdgeMetrics;
import io.inferencia.edge.metrics.MetricsRoutes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import kamon.Kamon;
import kamon.metric.Counter;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics} of a test edge. Kamon is one per JVM and publishes at its ticks (here every
 * 100 ms), and the JVM's earlier test classes recorded into the same instruments, so {@link #settled}
 * waits for a scrape that holds everything recorded before it was asked for; tests then compare two
 * such scrapes.
 */
public final class MetricsScrape {
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static final String MARKER = "inferencia_test_scrape_marker_total";
  private static final AtomicLong MARKED = new AtomicLong();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final RestClient rest;
  private final ActorSystem<?> system;
  private final Counter marker;

  private MetricsScrape(RestClient rest, ActorSystem<?> system) {
    this.rest = rest;
    this.system = system;
    this.marker = Kamon.counter("inferencia.test.scrape.marker").withoutTags();
  }

  /** Starts Kamon (once per JVM, its Prometheus reporter without a server of its own). */
  private static void startKamon() {
    if (STARTED.compareAndSet(false, true))
      Kamon.init(ConfigFactory.parseString("""
          kamon.init.hide-banner = yes
          kamon.init.attach-instrumentation = no
          kamon.metric.tick-interval = 100 ms
          kamon.metric.optimistic-tick-alignment = no
          kamon.prometheus.start-embedded-http-server = no
          """).withFallback(ConfigFactory.load()));
  }

  /** The edge's {@code /metrics} route, to bind next to the KServe routes. */
  public static Route route() {
    return new MetricsRoutes(new EdgeMetrics()).route();
  }

  /** Scrapes of {@code edge}, which must serve {@link #route()}. */
  public static MetricsScrape of(EdgeFixture edge) {
    startKamon();
    return new MetricsScrape(edge.rest, edge.testKit.system());
  }

  public PrometheusText now() {
    RestClient.Response r = rest.get("/metrics");
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
    return PrometheusText.parse(new String(r.body(), StandardCharsets.UTF_8));
  }

  /**
   * A scrape that holds every measurement recorded before this call. A tick reads the instruments one
   * after another, so the tick that first shows a marker counted after them may have read another
   * instrument before its last update; the tick after it has not. Hence two marks, each awaited.
   */
  public PrometheusText settled() {
    AtomicReference<PrometheusText> scrape = new AtomicReference<>();
    for (int i = 0; i < 2; i++) {
      long marks = MARKED.incrementAndGet();
      marker.increment();
      TestProbe.create(system).awaitAssert(WAIT, () -> {
        scrape.set(now());
        assertTrue(scrape.get().value(MARKER, Map.of()) >= marks, "a tick after the mark");
        return null;
      });
    }
    return scrape.get();
  }
}

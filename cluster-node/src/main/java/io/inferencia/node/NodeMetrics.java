package io.inferencia.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.protocols.tracing.Tracing;
import java.util.Map;
import io.inferencia.persistence.jobs.JobMetrics;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import kamon.Kamon;

/**
 * Starts Kamon (its Prometheus reporter, without a server of its own, and the JVM collector; see
 * metrics.conf) and the jobs' queued gauge. Kamon is one per JVM: a second node in the same JVM (tests
 * start several) reuses the first one's, and their metrics add up.
 */
final class NodeMetrics {
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static final Duration QUEUED_JOBS_INTERVAL = Duration.ofSeconds(5);

  private NodeMetrics() {}

  static void start(Config config, DataSource jobsDatabase, Executor blocking) {
    if (STARTED.compareAndSet(false, true)) Kamon.init(withTracing(config));
    JobMetrics.trackQueued(jobsDatabase, blocking, QUEUED_JOBS_INTERVAL);
  }

  /** {@code tracing.sample-ratio}, checked. */
  static double sampleRatio(Config config) {
    double ratio = config.getDouble("tracing.sample-ratio");
    if (ratio < 0 || ratio > 1)
      throw new IllegalArgumentException("tracing.sample-ratio (OTEL_TRACES_SAMPLER_ARG) must be within 0..1, got " + ratio);
    return ratio;
  }

  /**
   * With an OTLP endpoint: the OpenTelemetry reporter on, new traces sampled at {@code tracing.sample-ratio}
   * (a caller's sampled traceparent is always followed), and {@link Tracing} making spans.
   */
  static Config withTracing(Config config) {
    if (config.getString("tracing.otlp-endpoint").isBlank()) return config;
    double ratio = sampleRatio(config);
    Tracing.enable();
    return ConfigFactory.parseMap(Map.of(
            "kamon.modules.otel-trace-reporter.enabled", true,
            "kamon.trace.sampler", "random",
            "kamon.trace.random-sampler.probability", ratio))
        .withFallback(config);
  }
}

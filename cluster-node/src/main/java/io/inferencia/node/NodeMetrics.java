package io.inferencia.node;

import com.typesafe.config.Config;
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
    if (STARTED.compareAndSet(false, true)) Kamon.init(config);
    JobMetrics.trackQueued(jobsDatabase, blocking, QUEUED_JOBS_INTERVAL);
  }
}

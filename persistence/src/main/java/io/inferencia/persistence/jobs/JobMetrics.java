package io.inferencia.persistence.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.sql.DataSource;
import kamon.Kamon;
import kamon.metric.Gauge;
import kamon.metric.MeasurementUnit;
import kamon.tag.TagSet;

/**
 * The jobs' Prometheus metrics. Counts and durations are recorded by the read side as it applies each
 * event for the first time (a replayed event changes no row and counts nothing); the queued gauge reads
 * the read side's count, so every node reports the cluster's number (aggregate with {@code max}).
 */
public final class JobMetrics {
  static final String SUBMITTED = "inferencia.jobs.submitted";
  static final String FINISHED = "inferencia.jobs.finished";
  static final String DURATION = "inferencia.jobs.duration";
  static final String QUEUED = "inferencia.jobs.queued";

  private JobMetrics() {}

  static void submitted(String task) {
    Kamon.counter(SUBMITTED, "Jobs accepted, by task").withTag("task", task).increment();
  }

  /** A job reached a terminal status {@code millis} after it was submitted. */
  static void finished(String task, String status, long millis) {
    TagSet tags = TagSet.of("task", task).withTag("status", status);
    Kamon.counter(FINISHED, "Jobs that reached a terminal status, by task and status").withTags(tags).increment();
    Kamon.histogram(DURATION, "Time from submission to a terminal status, by task and status",
        MeasurementUnit.time().milliseconds()).withTags(tags).record(Math.max(0, millis));
  }

  private record QueuedSource(DataSource dataSource, Executor blocking) {}

  private static final AtomicReference<QueuedSource> QUEUED_SOURCE = new AtomicReference<>();

  /**
   * Sets the queued-jobs gauge from the read side every {@code interval}, the query running on
   * {@code blocking}; a failed count leaves the last value. The gauge is one per JVM: the node that
   * called last is the one counted (tests start several nodes in one JVM, one after another).
   */
  public static void trackQueued(DataSource dataSource, Executor blocking, Duration interval) {
    if (QUEUED_SOURCE.getAndSet(new QueuedSource(dataSource, blocking)) != null) return;
    Consumer<Gauge> refresh = g -> {
      QueuedSource source = QUEUED_SOURCE.get();
      CompletableFuture.supplyAsync(() -> queued(source.dataSource()), source.blocking()).thenAccept(g::update);
    };
    Kamon.gauge(QUEUED, "Jobs waiting for a worker (read side)").withoutTags().autoUpdate(refresh, interval);
  }

  static double queued(DataSource dataSource) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM job_view WHERE status = 'QUEUED'");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("counting queued jobs failed: " + e.getMessage(), e);
    }
  }
}

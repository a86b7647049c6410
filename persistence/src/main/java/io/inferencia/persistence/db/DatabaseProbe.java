package io.inferencia.persistence.db;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database (and so the journal) is reachable, for readiness: every {@code interval} one
 * connection from the pool is checked, on the blocking executor. The database counts as unreachable
 * once no check has succeeded for {@code unreachableAfter}, so a check that hangs on a dead connection
 * turns readiness off as surely as one that fails. Reading {@link #reachable()} costs nothing.
 */
public final class DatabaseProbe {
  private static final Logger log = LoggerFactory.getLogger(DatabaseProbe.class);
  private final DataSource dataSource;
  private final Duration unreachableAfter;
  private final Executor blocking;
  private final AtomicLong lastSuccess = new AtomicLong(System.nanoTime());
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private volatile boolean reported = true;
  private volatile Cancellable schedule;

  private DatabaseProbe(DataSource dataSource, Duration unreachableAfter, Executor blocking) {
    this.dataSource = dataSource;
    this.unreachableAfter = unreachableAfter;
    this.blocking = blocking;
  }

  /** Starts checking every {@code interval} until the system terminates. */
  public static DatabaseProbe start(ActorSystem<?> system, DataSource dataSource, Duration interval,
      Duration unreachableAfter, Executor blocking) {
    DatabaseProbe probe = new DatabaseProbe(dataSource, unreachableAfter, blocking);
    probe.schedule = system.scheduler().scheduleWithFixedDelay(Duration.ZERO, interval, probe::check,
        system.executionContext());
    system.getWhenTerminated().thenRun(() -> probe.schedule.cancel());
    return probe;
  }

  /** True while some check succeeded within the last {@code unreachableAfter}. */
  public boolean reachable() {
    boolean now = System.nanoTime() - lastSuccess.get() <= unreachableAfter.toNanos();
    if (now != reported) {
      reported = now;
      if (now) log.info("The database is reachable again");
      else log.warn("The database has not answered for {} ms: not ready", unreachableAfter.toMillis());
    }
    return now;
  }

  private void check() {
    if (!inFlight.compareAndSet(false, true)) return; // the last check still waits: it counts as failing
    CompletableFuture.runAsync(() -> {
      try (Connection c = dataSource.getConnection()) {
        if (c.isValid(Math.max(1, (int) unreachableAfter.toSeconds()))) lastSuccess.set(System.nanoTime());
      } catch (Exception e) {
        log.debug("Database check failed: {}", e.getMessage());
      } finally {
        inFlight.set(false);
      }
    }, blocking);
  }
}

package io.inferencia.persistence.jobs;

import com.typesafe.config.Config;
import io.inferencia.protocols.config.SettingReader;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code jobs} config section: retries, snapshots, and the timings of the hand-off to workers.
 *
 * @param maxAttempts runs a job may start before a transient failure becomes final
 * @param enqueueRetry how often an entity re-sends its ticket until the dispatcher acknowledges it
 * @param sweepInterval how often the sweeper looks for unfinished jobs that went quiet
 * @param staleAfter how long an unfinished job may go without an event before the sweeper wakes it
 * @param runTimeout how long after its start an attempt whose worker does not answer run checks is treated as lost
 */
public record JobSettings(int maxAttempts, Duration minBackoff, Duration maxBackoff, double randomFactor,
    int snapshotEvery, Duration enqueueRetry, Duration sweepInterval, Duration staleAfter, int sweepBatch,
    int dispatcherBuffer, Duration askTimeout, Duration runTimeout) {

  /** Reads the section; a bad value fails with the variable that carries it (the node exits on it at start). */
  public static JobSettings fromConfig(Config jobs) {
    SettingReader r = new SettingReader(jobs, "jobs");
    SettingReader retry = r.child("retry");
    SettingReader sweeper = r.child("sweeper");
    SettingReader dispatch = r.child("dispatch");
    double randomFactor = randomFactor(retry);
    return new JobSettings(
        retry.positiveInt("max-attempts", "JOB_MAX_ATTEMPTS"),
        retry.positiveDuration("min-backoff", null),
        retry.positiveDuration("max-backoff", null),
        randomFactor,
        r.positiveInt("snapshot-every", null),
        dispatch.positiveDuration("enqueue-retry", null),
        sweeper.positiveDuration("interval", "JOB_SWEEP_INTERVAL"),
        sweeper.positiveDuration("stale-after", "JOB_STALE_AFTER"),
        sweeper.positiveInt("batch", null),
        dispatch.positiveInt("buffer", null),
        r.positiveDuration("ask-timeout", null),
        r.positiveDuration("run-timeout", "JOB_RUN_TIMEOUT"));
  }

  private static double randomFactor(SettingReader retry) {
    String v = retry.string("random-factor", null);
    try {
      double f = Double.parseDouble(v);
      if (f >= 0 && f <= 1) return f;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw retry.invalid("random-factor", null, "'" + v + "' is not a number from 0 to 1");
  }

  /** Exponential backoff before attempt {@code nextAttempt}, with jitter so retries of a burst spread out. */
  public Duration backoff(int nextAttempt) {
    double base = minBackoff.toMillis() * Math.pow(2, Math.max(0, nextAttempt - 2));
    double capped = Math.min(maxBackoff.toMillis(), base);
    double jitter = 1 + randomFactor * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Duration.ofMillis(Math.max(0, Math.round(capped * jitter)));
  }
}

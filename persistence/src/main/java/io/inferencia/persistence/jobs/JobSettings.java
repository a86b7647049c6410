package io.inferencia.persistence.jobs;

import com.typesafe.config.Config;
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

  public static JobSettings fromConfig(Config jobs) {
    JobSettings s = new JobSettings(
        jobs.getInt("retry.max-attempts"),
        jobs.getDuration("retry.min-backoff"),
        jobs.getDuration("retry.max-backoff"),
        jobs.getDouble("retry.random-factor"),
        jobs.getInt("snapshot-every"),
        jobs.getDuration("dispatch.enqueue-retry"),
        jobs.getDuration("sweeper.interval"),
        jobs.getDuration("sweeper.stale-after"),
        jobs.getInt("sweeper.batch"),
        jobs.getInt("dispatch.buffer"),
        jobs.getDuration("ask-timeout"),
        jobs.getDuration("run-timeout"));
    if (s.maxAttempts < 1) throw new IllegalArgumentException("jobs.retry.max-attempts must be >= 1");
    if (s.snapshotEvery < 1) throw new IllegalArgumentException("jobs.snapshot-every must be >= 1");
    if (s.randomFactor < 0 || s.randomFactor > 1) throw new IllegalArgumentException("jobs.retry.random-factor must be in 0..1");
    return s;
  }

  /** Exponential backoff before attempt {@code nextAttempt}, with jitter so retries of a burst spread out. */
  public Duration backoff(int nextAttempt) {
    double base = minBackoff.toMillis() * Math.pow(2, Math.max(0, nextAttempt - 2));
    double capped = Math.min(maxBackoff.toMillis(), base);
    double jitter = 1 + randomFactor * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Duration.ofMillis(Math.max(0, Math.round(capped * jitter)));
  }
}

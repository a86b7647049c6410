package io.inferencia.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.apache.pekko.actor.LightArrayRevolverScheduler;
import org.apache.pekko.dispatch.ExecutionContexts;
import org.apache.pekko.event.NoLogging;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries a start-up step (opening storage or the database) until it succeeds or a deadline passes,
 * backing off from 250 ms to 5 s, with {@link Patterns#retry}, the retry style of the rest of the node.
 * No actor system exists yet (the node's needs the opened services), so the retry runs on a scheduler
 * and a thread of its own that live as long as the step; the caller, the main thread, waits for the outcome.
 */
final class StartupRetry {
  private static final Logger log = LoggerFactory.getLogger(StartupRetry.class);
  private static final long FIRST_BACKOFF_MS = 250;
  private static final long MAX_BACKOFF_MS = 5_000;
  /** Pekko's scheduler settings, without loading all of Pekko's reference configuration for them. */
  private static final Config SCHEDULER = ConfigFactory.parseString("""
      pekko.scheduler {
        tick-duration = 10ms
        ticks-per-wheel = 512
        shutdown-timeout = 5s
        error-on-tick-duration-verification-failed = on
      }
      """);

  private StartupRetry() {}

  /** The step's result, or an IllegalStateException naming {@code what} once the deadline has passed. */
  static <T> T run(String what, long deadlineNanos, Supplier<T> step) {
    ThreadFactory daemons = r -> {
      Thread t = new Thread(r, "startup-retry");
      t.setDaemon(true);
      return t;
    };
    ExecutorService worker = Executors.newSingleThreadExecutor(daemons);
    LightArrayRevolverScheduler scheduler =
        new LightArrayRevolverScheduler(SCHEDULER, NoLogging.getInstance(), daemons);
    try {
      int[] attempt = {0};
      return Patterns.<T>retry(
              () -> CompletableFuture.supplyAsync(step, worker).whenComplete((result, error) -> {
                attempt[0]++;
                if (error != null && leftMs(deadlineNanos) > 0) {
                  log.warn("{} not reachable yet (attempt {}): {}; trying again", what, attempt[0],
                      rootCause(error).getMessage());
                }
              }),
              (result, error) -> error != null && leftMs(deadlineNanos) > 0,
              Integer.MAX_VALUE,
              retried -> Optional.of(Duration.ofMillis(backoffMs(retried, leftMs(deadlineNanos)))),
              scheduler,
              ExecutionContexts.fromExecutor(worker))
          .toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = rootCause(e);
      throw new IllegalStateException(what + ": " + cause.getMessage(), cause);
    } finally {
      scheduler.close();
      worker.shutdownNow();
    }
  }

  /** 250 ms before the first retry, doubling up to 5 s, never past the deadline. */
  static long backoffMs(int retry, long leftMs) {
    long backoff = FIRST_BACKOFF_MS << Math.min(retry - 1, 5);
    return Math.max(0, Math.min(Math.min(backoff, MAX_BACKOFF_MS), leftMs));
  }

  private static long leftMs(long deadlineNanos) {
    return (deadlineNanos - System.nanoTime()) / 1_000_000;
  }

  private static Throwable rootCause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? rootCause(e.getCause()) : e;
  }
}

package io.inferencia.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries a start-up step (opening storage or the database) until it succeeds or a deadline passes,
 * backing off from 250 ms to 5 s. Attempts run on a timer thread of their own; the caller, the main
 * thread before any actor system exists, waits for the outcome.
 */
final class StartupRetry {
  private static final Logger log = LoggerFactory.getLogger(StartupRetry.class);
  private static final long FIRST_BACKOFF_MS = 250;
  private static final long MAX_BACKOFF_MS = 5_000;

  private StartupRetry() {}

  /** The step's result, or an IllegalStateException naming {@code what} once the deadline has passed. */
  static <T> T run(String what, long deadlineNanos, Supplier<T> step) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "startup-retry");
      t.setDaemon(true);
      return t;
    });
    try {
      CompletableFuture<T> outcome = new CompletableFuture<>();
      timer.execute(() -> attempt(what, deadlineNanos, step, 1, FIRST_BACKOFF_MS, timer, outcome));
      return outcome.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } finally {
      timer.shutdownNow();
    }
  }

  private static <T> void attempt(String what, long deadlineNanos, Supplier<T> step, int attempt, long backoffMs,
      ScheduledExecutorService timer, CompletableFuture<T> outcome) {
    try {
      outcome.complete(step.get());
    } catch (RuntimeException e) {
      long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
      if (leftMs <= 0) {
        outcome.completeExceptionally(new IllegalStateException(what + ": " + e.getMessage(), e));
        return;
      }
      long delay = Math.min(backoffMs, leftMs);
      log.warn("{} not reachable yet (attempt {}): {}; trying again in {} ms", what, attempt, e.getMessage(), delay);
      timer.schedule(() -> attempt(what, deadlineNanos, step, attempt + 1, Math.min(MAX_BACKOFF_MS, backoffMs * 2),
          timer, outcome), delay, TimeUnit.MILLISECONDS);
    }
  }
}

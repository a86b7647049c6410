package io.inferencia.gpu.batching;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Wakes batchers when a queue delay or a request timeout ends, to within tens of microseconds. Pekko's
 * scheduler rounds every delay up to its tick and adds one: with the default 10 ms tick a 2 ms
 * max_queue_delay became 10-20 ms, and a 1 ms tick for the whole node still added about 2 ms per
 * partial batch and kept the scheduler thread waking 1000 times a second on an idle node. One daemon
 * thread that parks until the next deadline serves every batcher; its tasks only send a message.
 */
public final class BatchDeadlines {
  private static final ScheduledThreadPoolExecutor TIMER = create();

  private BatchDeadlines() {}

  private static ScheduledThreadPoolExecutor create() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "inferencia-batch-deadlines");
      t.setDaemon(true);
      return t;
    });
    // Batchers replace their wake-up on almost every request: cancelled ones must leave the queue.
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Runs {@code wake} (which must only send a message) after {@code delayNanos}. */
  public static ScheduledFuture<?> schedule(Runnable wake, long delayNanos) {
    return TIMER.schedule(wake, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }
}

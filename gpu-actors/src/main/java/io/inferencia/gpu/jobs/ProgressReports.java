package io.inferencia.gpu.jobs;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A long task's progress, passed on at most once per interval (the job's entity persists each one it
 * keeps, and its watchers see it): what the task reports in between is dropped, never queued.
 */
final class ProgressReports implements LongConsumer {
  private final LongConsumer send;
  private final long intervalNanos;
  private final AtomicLong lastSent = new AtomicLong(Long.MIN_VALUE);

  ProgressReports(LongConsumer send, long intervalNanos) {
    this.send = send;
    this.intervalNanos = intervalNanos;
  }

  @Override
  public void accept(long bytesDone) {
    long now = System.nanoTime();
    long last = lastSent.get();
    if (last != Long.MIN_VALUE && now - last < intervalNanos) return;
    if (lastSent.compareAndSet(last, now)) send.accept(bytesDone);
  }
}

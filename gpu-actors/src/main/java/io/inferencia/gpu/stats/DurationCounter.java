package io.inferencia.gpu.stats;

import io.inferencia.protocols.inference.ModelStatistics;
import java.util.concurrent.atomic.LongAdder;

/** A count and a total duration, updated from any thread without locking. */
final class DurationCounter {
  private final LongAdder count = new LongAdder();
  private final LongAdder nanos = new LongAdder();

  void add(long times, long totalNanos) {
    count.add(times);
    nanos.add(Math.max(0, totalNanos));
  }

  long nanos() {
    return nanos.sum();
  }

  long count() {
    return count.sum();
  }

  ModelStatistics.Duration snapshot() {
    return new ModelStatistics.Duration(count.sum(), nanos.sum());
  }
}

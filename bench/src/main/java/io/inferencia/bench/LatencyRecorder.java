package io.inferencia.bench;

import java.util.Arrays;

/** Collects request latencies from many threads; percentiles are computed once at the end. */
final class LatencyRecorder {
  private long[] nanos = new long[1 << 16];
  private int count;
  private long errors;

  synchronized void record(long latencyNanos) {
    if (count == nanos.length) nanos = Arrays.copyOf(nanos, count * 2);
    nanos[count++] = latencyNanos;
  }

  synchronized void error() {
    errors++;
  }

  synchronized Summary summarize(double seconds, int itemsPerRequest) {
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    return new Summary(
        count * itemsPerRequest / seconds,
        pct(sorted, 0.50),
        pct(sorted, 0.95),
        pct(sorted, 0.99),
        count,
        errors);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  /** Throughput in items/s and latency percentiles in milliseconds. */
  record Summary(double itemsPerSecond, double p50, double p95, double p99, long requests, long errors) {}
}

package io.inferencia.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * CPU time spent by the node under test and by this load-generating process over a window. On a small
 * machine the client shares the cores with the server, so what it burns is not available to inference:
 * printing both shows how much of the gap to the raw ceiling is the client's.
 */
final class CpuMeter {
  private final ProcessHandle node;
  private final com.sun.management.OperatingSystemMXBean self =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  CpuMeter(ProcessHandle node) {
    this.node = node;
  }

  Snapshot snapshot() {
    long nodeNanos = node.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    return new Snapshot(nodeNanos, self.getProcessCpuTime(), System.nanoTime());
  }

  record Snapshot(long nodeCpuNanos, long clientCpuNanos, long wallNanos) {
    /** CPU used since {@code start}, as a share of all cores (1.0 = the whole machine). */
    Usage since(Snapshot start, int cores) {
      double wall = (wallNanos - start.wallNanos) * (double) cores;
      return new Usage((nodeCpuNanos - start.nodeCpuNanos) / wall, (clientCpuNanos - start.clientCpuNanos) / wall);
    }
  }

  record Usage(double node, double client) {}
}

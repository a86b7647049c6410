package io.inferencia.persistence.storage;

/**
 * Samples the live heap while something runs: each sample collects garbage first, so it measures what is
 * retained (buffers, queued chunks), not garbage waiting for the next collection. Server and client share the
 * heap in these tests, so both sides are measured.
 */
final class HeapWatch implements AutoCloseable {
  private final Thread sampler;
  private volatile boolean running = true;
  private volatile long peak;
  private volatile int samples;

  HeapWatch(long intervalMillis) {
    sampler = new Thread(() -> {
      while (running) {
        peak = Math.max(peak, liveHeap());
        samples++;
        try {
          Thread.sleep(intervalMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  static long liveHeap() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  long peak() {
    return peak;
  }

  int samples() {
    return samples;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    sampler.interrupt();
    sampler.join();
  }
}

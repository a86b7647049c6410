package io.inferencia.bench;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * N clients, each with one request in flight: the next request leaves when the previous answer
 * arrives. Requests are asynchronous, so the client side needs no thread per client.
 */
final class ClosedLoopLoad {
  private ClosedLoopLoad() {}

  static LatencyRecorder.Summary run(int clients, double warmupSeconds, double seconds, int itemsPerRequest,
      Supplier<CompletionStage<?>> call) throws InterruptedException {
    // Warm-up traffic is not recorded.
    drive(clients, warmupSeconds, call, new LatencyRecorder());
    LatencyRecorder recorder = new LatencyRecorder();
    long start = System.nanoTime();
    drive(clients, seconds, call, recorder);
    double elapsed = (System.nanoTime() - start) / 1e9;
    return recorder.summarize(elapsed, itemsPerRequest);
  }

  private static void drive(int clients, double seconds, Supplier<CompletionStage<?>> call, LatencyRecorder recorder)
      throws InterruptedException {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    CountDownLatch done = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) next(call, recorder, deadline, done);
    if (!done.await((long) (seconds + 120), TimeUnit.SECONDS))
      throw new IllegalStateException("load did not drain within two minutes of its deadline");
  }

  private static void next(Supplier<CompletionStage<?>> call, LatencyRecorder recorder, long deadline,
      CountDownLatch done) {
    if (System.nanoTime() >= deadline) {
      done.countDown();
      return;
    }
    long sent = System.nanoTime();
    call.get().whenComplete((ok, err) -> {
      if (err == null) recorder.record(System.nanoTime() - sent);
      else recorder.error();
      next(call, recorder, deadline, done);
    });
  }
}

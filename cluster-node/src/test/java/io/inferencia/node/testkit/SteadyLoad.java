package io.inferencia.node.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Clients that each call a node in a loop until stopped, as the multi-node tests load a cluster: every
 * call is timed, every wrong answer or error kept with what it was.
 */
public final class SteadyLoad implements AutoCloseable {
  /** One client's call number {@code i}: null when the answer was right, else what was wrong with it. */
  @FunctionalInterface
  public interface Call {
    String call(long i) throws Exception;
  }

  private final AtomicBoolean on = new AtomicBoolean(true);
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong worstMillis = new AtomicLong();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final int clients;
  private final ExecutorService pool;
  private final List<Future<?>> loops = new ArrayList<>();

  private SteadyLoad(int clients) {
    this.clients = clients;
    this.pool = Executors.newFixedThreadPool(clients);
  }

  /** Starts {@code clients} loops; {@code client} makes each one's call (given its index). */
  public static SteadyLoad start(int clients, IntFunction<Call> client) {
    SteadyLoad load = new SteadyLoad(clients);
    for (int c = 0; c < clients; c++) {
      Call call = client.apply(c);
      load.loops.add(load.pool.submit(() -> load.loop(call)));
    }
    return load;
  }

  private Void loop(Call call) {
    for (long i = 0; on.get(); i++) {
      long start = System.nanoTime();
      String wrong;
      try {
        wrong = call.call(i);
      } catch (Exception e) {
        wrong = e.toString();
      }
      worstMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
      if (wrong == null) served.incrementAndGet();
      else failures.add(wrong);
    }
    return null;
  }

  public int clients() {
    return clients;
  }

  /** Calls answered right so far. */
  public long served() {
    return served.get();
  }

  public long worstMillis() {
    return worstMillis.get();
  }

  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** Fails with the count and the first failure when any call failed or answered wrong. */
  public void assertNoFailures(String calls) {
    List<String> failed = failures();
    if (!failed.isEmpty()) throw new AssertionError(failed.size() + " " + calls + " failed, e.g. " + failed.get(0));
  }

  /** Waits until {@code more} calls were answered right after now; returns the seconds it took. */
  public double awaitMore(long more, Duration within) {
    long from = served.get();
    long begun = System.nanoTime();
    await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> served.get() >= from + more);
    return (System.nanoTime() - begun) / 1e9;
  }

  /** Stops the loops and waits for each one's last call. */
  public void stop() throws Exception {
    on.set(false);
    for (Future<?> f : loops) f.get(2, TimeUnit.MINUTES);
    pool.shutdown();
  }

  @Override
  public void close() throws Exception {
    if (on.get()) stop();
  }
}

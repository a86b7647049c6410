package io.inferencia.gpu.runtime;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs one session's batches one at a time, in order, on a thread of the blocking pool. A batch queued
 * behind a running one starts on the same thread the moment that one ends: no hand-off through the
 * batcher's mailbox and back to the pool, which left each session idle for a thread wake-up or two
 * per batch.
 */
public final class SessionLane implements Executor {
  private final Executor pool;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean draining;

  public SessionLane(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.addLast(task);
      if (draining) return;
      draining = true;
    }
    pool.execute(this::drain);
  }

  private void drain() {
    boolean clean = false;
    try {
      Runnable next;
      while ((next = poll()) != null) next.run();
      clean = true;
    } finally {
      // A task that threw (CompletableFuture's never do) must not leave the rest stranded.
      if (!clean) restart();
    }
  }

  /** The next task, or null after marking the lane idle so the next execute starts a new drain. */
  private synchronized Runnable poll() {
    Runnable next = tasks.pollFirst();
    if (next == null) draining = false;
    return next;
  }

  private void restart() {
    synchronized (this) {
      if (tasks.isEmpty()) {
        draining = false;
        return;
      }
    }
    pool.execute(this::drain);
  }
}

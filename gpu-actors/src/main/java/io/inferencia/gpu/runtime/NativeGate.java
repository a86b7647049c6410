package io.inferencia.gpu.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Keeps the process's ONNX Runtime calls out of the way of its exit. When the JVM exits, the C runtime
 * runs libonnxruntime's static destructors; a session still running a batch on another thread then
 * touches freed memory and the process dies of SIGSEGV instead of exiting 0. Every session call goes
 * through this gate; {@link #shutDown} closes it, waits for the calls inside to return and closes the
 * sessions still open, so nothing of ONNX Runtime runs when the destructors do.
 */
public final class NativeGate {
  /** The process's gate: ONNX Runtime's native state is per process. */
  public static final NativeGate PROCESS = new NativeGate();

  NativeGate() {}

  private final Set<AutoCloseable> open = Collections.newSetFromMap(new IdentityHashMap<>());
  private final CompletableFuture<Void> quiet = new CompletableFuture<>();
  private int inside;
  private boolean closed;

  /** Enters for one native call; false once the gate is shut, when the call must not start. */
  public synchronized boolean tryEnter() {
    if (closed) return false;
    inside++;
    return true;
  }

  public void leave() {
    boolean last;
    synchronized (this) {
      inside--;
      last = closed && inside == 0;
    }
    if (last) quiet.complete(null);
  }

  /** A session that {@link #shutDown} closes if its owner has not by then. */
  public synchronized void opened(AutoCloseable session) {
    open.add(session);
  }

  public synchronized void closed(AutoCloseable session) {
    open.remove(session);
  }

  public synchronized boolean isShut() {
    return closed;
  }

  /**
   * Shuts the gate: no call starts after it. Completes once the calls inside returned and, on
   * {@code blocking}, every session still open was closed.
   */
  public CompletionStage<Void> shutDown(Executor blocking) {
    synchronized (this) {
      closed = true;
      if (inside == 0) quiet.complete(null);
    }
    return quiet.thenRunAsync(this::closeRemaining, blocking);
  }

  private void closeRemaining() {
    List<AutoCloseable> remaining;
    synchronized (this) {
      remaining = new ArrayList<>(open);
      open.clear();
    }
    for (AutoCloseable session : remaining) {
      try {
        session.close();
      } catch (Exception e) {
        // The process is exiting; a session that fails to close is released with it.
      }
    }
  }
}

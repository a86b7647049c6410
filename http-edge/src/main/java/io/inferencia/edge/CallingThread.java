package io.inferencia.edge;

import java.util.concurrent.Executor;

/**
 * Runs a stage's callback on the thread that completed it. Pekko's Java API hands out
 * CompletionStages converted from Scala futures, and those run every plain {@code thenApply} or
 * {@code whenComplete} on the JDK's common pool: one more thread hand-off per request on the hot
 * path. {@code whenCompleteAsync(f, CallingThread.EXECUTOR)} keeps it where it is. Only for short,
 * non-blocking callbacks, and not for stages a shared actor completes (an ask's reply): the callbacks
 * of every request would then queue on that actor's one thread (measured: the edge's cost of a
 * rejected call rose from 200 to 245 us once the model manager's thread ran them).
 */
public final class CallingThread {
  public static final Executor EXECUTOR = Runnable::run;

  private CallingThread() {}
}

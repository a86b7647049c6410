package io.inferencia.gpu.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The queue of one model version and the rule that cuts batches from it. Pure logic driven by the
 * caller's clock, so the actor stays thin and the rules are unit-testable.
 *
 * <p>A bucket is ready when it holds {@code target} items, when its oldest request has waited
 * {@code max_queue_delay}, or when the caller says to dispatch now (no batch in flight: waiting cannot
 * gather more than is already queued from closed-loop clients).
 */
public final class BatchFormer<R> {
  private final BatchPolicy policy;
  private final Map<String, ArrayDeque<Pending<R>>> buckets = new LinkedHashMap<>();
  private int queued;

  public BatchFormer(BatchPolicy policy) {
    this.policy = policy;
  }

  /** False when the queue is full (the caller answers RESOURCE_EXHAUSTED). */
  public boolean offer(Pending<R> pending) {
    if (policy.maxQueueSize() > 0 && queued >= policy.maxQueueSize()) return false;
    buckets.computeIfAbsent(pending.bucket(), k -> new ArrayDeque<>()).addLast(pending);
    queued++;
    return true;
  }

  public int size() {
    return queued;
  }

  /** Removes and returns the requests whose deadline has passed; they must never run. */
  public List<Pending<R>> expire(long now) {
    List<Pending<R>> expired = new ArrayList<>();
    for (Iterator<ArrayDeque<Pending<R>>> it = buckets.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Pending<R>> q = it.next();
      q.removeIf(p -> {
        boolean late = p.deadlineNanos() <= now;
        if (late) expired.add(p);
        return late;
      });
      if (q.isEmpty()) it.remove();
    }
    queued -= expired.size();
    return expired;
  }

  /**
   * The next batch of at most {@code cap} items (a request larger than cap goes alone), from the ready
   * bucket whose oldest request waited longest; empty when no bucket is ready.
   */
  public Optional<List<Pending<R>>> next(long now, int target, int cap, boolean dispatchNow) {
    ArrayDeque<Pending<R>> best = null;
    for (ArrayDeque<Pending<R>> q : buckets.values()) {
      if (!ready(q, now, target, dispatchNow)) continue;
      if (best == null || q.peekFirst().enqueuedNanos() < best.peekFirst().enqueuedNanos()) best = q;
    }
    if (best == null) return Optional.empty();
    List<Pending<R>> batch = new ArrayList<>();
    int items = 0;
    while (!best.isEmpty() && (batch.isEmpty() || items + best.peekFirst().batchSize() <= cap)) {
      Pending<R> p = best.pollFirst();
      batch.add(p);
      items += p.batchSize();
    }
    if (best.isEmpty()) buckets.remove(batch.get(0).bucket());
    queued -= batch.size();
    return Optional.of(batch);
  }

  /**
   * When the caller should look again: the earliest deadline and, if it has a free instance to start a
   * batch on, the earliest queue-delay expiry. With every instance busy a finished batch is the next
   * chance to dispatch, so delays that already expired must not wake it (that would spin).
   */
  public OptionalLong nextWakeup(boolean canDispatch) {
    long earliest = Long.MAX_VALUE;
    for (ArrayDeque<Pending<R>> q : buckets.values()) {
      if (canDispatch) earliest = Math.min(earliest, q.peekFirst().enqueuedNanos() + policy.maxQueueDelayNanos());
      for (Pending<R> p : q) earliest = Math.min(earliest, p.deadlineNanos());
    }
    return earliest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(earliest);
  }

  /** Empties the queue, e.g. when the model is unloaded. */
  public List<Pending<R>> drainAll() {
    List<Pending<R>> all = new ArrayList<>();
    buckets.values().forEach(all::addAll);
    buckets.clear();
    queued = 0;
    return all;
  }

  private boolean ready(ArrayDeque<Pending<R>> q, long now, int target, boolean dispatchNow) {
    if (dispatchNow) return true;
    if (now - q.peekFirst().enqueuedNanos() >= policy.maxQueueDelayNanos()) return true;
    int items = 0;
    for (Pending<R> p : q) {
      items += p.batchSize();
      if (items >= target) return true;
    }
    return false;
  }
}

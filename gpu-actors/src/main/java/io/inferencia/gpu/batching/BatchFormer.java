package io.inferencia.gpu.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>As Triton's dynamic batcher: walking a bucket from its oldest request, a batch is ready at once
 * when the next request would not fit under the cap (saturated), else when the requests taken so far
 * add up to one of the preferred sizes (the largest such prefix is cut); otherwise it waits until its
 * oldest request has waited {@code max_queue_delay}, or until the caller says to dispatch now (no batch
 * in flight: waiting cannot gather more than is already queued from closed-loop clients).
 *
 * <p>Requests past their deadline are taken out by {@link #expire}: to be rejected (timeout_action
 * REJECT), or kept aside and served only when no bucket of timely requests is ready (DELAY).
 */
public final class BatchFormer<R> {
  private final BatchPolicy policy;
  private final Map<String, ArrayDeque<Pending<R>>> buckets = new LinkedHashMap<>();
  private final Map<String, ArrayDeque<Pending<R>>> overdue = new LinkedHashMap<>();
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

  /** Every queued request, late ones kept under DELAY included. */
  public int size() {
    return queued;
  }

  /**
   * Takes the requests whose deadline has passed out of the timely queue. Under REJECT they are
   * returned and must never run; under DELAY they move behind every timely request and none is returned.
   */
  public List<Pending<R>> expire(long now) {
    List<Pending<R>> late = new ArrayList<>();
    for (Iterator<ArrayDeque<Pending<R>>> it = buckets.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Pending<R>> q = it.next();
      q.removeIf(p -> {
        boolean isLate = p.deadlineNanos() <= now;
        if (isLate) late.add(p);
        return isLate;
      });
      if (q.isEmpty()) it.remove();
    }
    if (policy.delayWhenLate()) {
      for (Pending<R> p : late) overdue.computeIfAbsent(p.bucket(), k -> new ArrayDeque<>()).addLast(p);
      return List.of();
    }
    queued -= late.size();
    return late;
  }

  /**
   * The next batch of at most {@code cap} items (a request larger than cap goes alone), from the ready
   * bucket whose oldest request waited longest; else, under DELAY, from the late requests; empty when
   * nothing is ready.
   *
   * @param preferred ascending batch sizes that make a batch ready without waiting (at most cap)
   */
  public Optional<List<Pending<R>>> next(long now, int[] preferred, int cap, boolean dispatchNow) {
    ArrayDeque<Pending<R>> best = null;
    int bestCut = 0;
    for (ArrayDeque<Pending<R>> q : buckets.values()) {
      int cut = readyCut(q, now, preferred, cap, dispatchNow);
      if (cut == 0) continue;
      if (best == null || q.peekFirst().enqueuedNanos() < best.peekFirst().enqueuedNanos()) {
        best = q;
        bestCut = cut;
      }
    }
    Map<String, ArrayDeque<Pending<R>>> from = buckets;
    if (best == null) {
      for (ArrayDeque<Pending<R>> q : overdue.values())
        if (best == null || q.peekFirst().enqueuedNanos() < best.peekFirst().enqueuedNanos()) best = q;
      if (best == null) return Optional.empty();
      from = overdue;
      bestCut = fitting(best, cap);
    }
    List<Pending<R>> batch = new ArrayList<>(bestCut);
    for (int i = 0; i < bestCut; i++) batch.add(best.pollFirst());
    if (best.isEmpty()) from.remove(batch.get(0).bucket());
    queued -= batch.size();
    return Optional.of(batch);
  }

  /**
   * When the caller should look again: the earliest deadline and, if it has a free instance to start a
   * batch on, the earliest queue-delay expiry. With every instance busy a finished batch is the next
   * chance to dispatch, so delays that already expired must not wake it (that would spin). Late
   * requests under DELAY need no wake-up: with a free instance they would already have been taken.
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
    overdue.values().forEach(all::addAll);
    buckets.clear();
    overdue.clear();
    queued = 0;
    return all;
  }

  /** How many requests from the head of {@code q} form a ready batch now; 0 when it should wait. */
  private int readyCut(ArrayDeque<Pending<R>> q, long now, int[] preferred, int cap, boolean dispatchNow) {
    int count = 0;
    int items = 0;
    int preferredCount = 0;
    for (Pending<R> p : q) {
      if (count > 0 && items + p.batchSize() > cap) return count;
      items += p.batchSize();
      count++;
      if (items >= cap) return count;
      if (Arrays.binarySearch(preferred, items) >= 0) preferredCount = count;
    }
    if (dispatchNow || now - q.peekFirst().enqueuedNanos() >= policy.maxQueueDelayNanos()) return count;
    return preferredCount;
  }

  /** How many requests from the head of {@code q} fit under the cap (at least one). */
  private static <R> int fitting(ArrayDeque<Pending<R>> q, int cap) {
    int count = 0;
    int items = 0;
    for (Pending<R> p : q) {
      if (count > 0 && items + p.batchSize() > cap) break;
      items += p.batchSize();
      count++;
    }
    return count;
  }
}

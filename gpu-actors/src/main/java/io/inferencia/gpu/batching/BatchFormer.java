package io.inferencia.gpu.batching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntConsumer;

/**
 * The queue of one model version and the rule that cuts batches from it. Pure logic driven by the
 * caller's clock, so the actor stays thin and the rules are unit-testable.
 *
 * <p>As Triton's dynamic batcher: walking a bucket in priority order, a batch is ready at once when
 * the next request would not fit under the cap (saturated), else when the requests taken so far add up
 * to one of the preferred sizes (the largest such prefix is cut); otherwise it waits until its
 * longest-waiting request has waited {@code max_queue_delay}, or until the caller says to dispatch now
 * (no batch in flight: waiting cannot gather more than is already queued from closed-loop clients).
 * Among ready buckets the one whose first request has the highest priority goes first, then the oldest.
 *
 * <p>Requests past their deadline are taken out by {@link #expire}: to be rejected (timeout_action
 * REJECT), or kept aside and served only when no bucket of timely requests is ready (DELAY).
 * {@code max_queue_size} holds per priority level.
 */
public final class BatchFormer<R> {
  private final BatchPolicy policy;
  private final Map<String, Bucket<R>> buckets = new LinkedHashMap<>();
  private final Map<String, Bucket<R>> overdue = new LinkedHashMap<>();
  /** Queued requests per priority level, late ones kept under DELAY included. */
  private final int[] queuedByLevel;
  private int queued;
  /** Told each change of {@link #size()} (+1 per request queued, minus those taken out). */
  private final IntConsumer queueChanged;

  public BatchFormer(BatchPolicy policy) {
    this(policy, delta -> {});
  }

  public BatchFormer(BatchPolicy policy, IntConsumer queueChanged) {
    this.policy = policy;
    this.queuedByLevel = new int[policy.priorityLevels() + 1];
    this.queueChanged = queueChanged;
  }

  /** Whether a request of this level fits; a full level's queue answers RESOURCE_EXHAUSTED. */
  public boolean hasRoom(int level) {
    int max = policy.rules(level).maxQueueSize();
    return max == 0 || queuedByLevel[level] < max;
  }

  /** False when the request's level's queue is full (the caller answers RESOURCE_EXHAUSTED). */
  public boolean offer(Pending<R> pending) {
    if (!hasRoom(pending.level())) return false;
    buckets.computeIfAbsent(pending.bucket(), k -> new Bucket<>(policy.priorityLevels())).add(pending);
    queuedByLevel[pending.level()]++;
    queued++;
    queueChanged.accept(1);
    return true;
  }

  /** Every queued request, late ones kept under DELAY included. */
  public int size() {
    return queued;
  }

  /**
   * Takes the requests whose deadline has passed out of the timely queue. Those of a REJECT level, and
   * any whose client stopped waiting, are returned and must never run; the others (DELAY) move behind
   * every timely request.
   */
  public List<Pending<R>> expire(long now) {
    List<Pending<R>> rejected = new ArrayList<>();
    for (Iterator<Bucket<R>> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket<R> b = it.next();
      for (Pending<R> late : b.removeIf(p -> p.deadlineNanos() <= now || p.abandoned(now))) {
        if (late.rejectedAt(now, policy.rules(late.level()).delayWhenLate())) {
          rejected.add(taken(late));
        } else {
          overdue.computeIfAbsent(late.bucket(), k -> new Bucket<>(policy.priorityLevels())).add(late);
        }
      }
      if (b.isEmpty()) it.remove();
    }
    for (Iterator<Bucket<R>> it = overdue.values().iterator(); it.hasNext(); ) {
      Bucket<R> b = it.next();
      b.removeIf(p -> p.abandoned(now)).forEach(p -> rejected.add(taken(p)));
      if (b.isEmpty()) it.remove();
    }
    return rejected;
  }

  /**
   * The next batch of at most {@code cap} items (a request larger than cap goes alone), from the ready
   * bucket first in priority, then age; else, under DELAY, from the late requests; empty when nothing
   * is ready.
   *
   * @param preferred ascending batch sizes that make a batch ready without waiting (at most cap)
   */
  public Optional<List<Pending<R>>> next(long now, int[] preferred, int cap, boolean dispatchNow) {
    Bucket<R> best = null;
    int bestCut = 0;
    for (Bucket<R> b : buckets.values()) {
      int cut = readyCut(b, now, preferred, cap, dispatchNow);
      if (cut > 0 && (best == null || before(b, best))) {
        best = b;
        bestCut = cut;
      }
    }
    Map<String, Bucket<R>> from = buckets;
    if (best == null) {
      for (Bucket<R> b : overdue.values()) if (best == null || before(b, best)) best = b;
      if (best == null) return Optional.empty();
      from = overdue;
      bestCut = fitting(best, cap);
    }
    List<Pending<R>> batch = new ArrayList<>(bestCut);
    for (int i = 0; i < bestCut; i++) batch.add(taken(best.poll()));
    if (best.isEmpty()) from.remove(batch.get(0).bucket());
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
    for (Bucket<R> b : buckets.values()) {
      if (canDispatch) earliest = Math.min(earliest, b.oldestNanos() + policy.maxQueueDelayNanos());
      for (Pending<R> p : b) earliest = Math.min(earliest, Math.min(p.deadlineNanos(), p.clientDeadlineNanos()));
    }
    return earliest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(earliest);
  }

  /** Empties the queue, e.g. when the model is unloaded. */
  public List<Pending<R>> drainAll() {
    List<Pending<R>> all = new ArrayList<>();
    buckets.values().forEach(b -> b.forEach(all::add));
    overdue.values().forEach(b -> b.forEach(all::add));
    buckets.clear();
    overdue.clear();
    Arrays.fill(queuedByLevel, 0);
    queueChanged.accept(-queued);
    queued = 0;
    return all;
  }

  private Pending<R> taken(Pending<R> p) {
    queuedByLevel[p.level()]--;
    queued--;
    queueChanged.accept(-1);
    return p;
  }

  /** Higher priority first (a lower level number), then the longer wait. */
  private static <R> boolean before(Bucket<R> a, Bucket<R> b) {
    Pending<R> x = a.head();
    Pending<R> y = b.head();
    if (x.level() != y.level()) return x.level() < y.level();
    return a.oldestNanos() < b.oldestNanos();
  }

  /** How many requests from the front of {@code b} form a ready batch now; 0 when it should wait. */
  private int readyCut(Bucket<R> b, long now, int[] preferred, int cap, boolean dispatchNow) {
    int count = 0;
    int items = 0;
    int preferredCount = 0;
    for (Pending<R> p : b) {
      if (count > 0 && items + p.batchSize() > cap) return count;
      items += p.batchSize();
      count++;
      if (items >= cap) return count;
      if (Arrays.binarySearch(preferred, items) >= 0) preferredCount = count;
    }
    if (dispatchNow || now - b.oldestNanos() >= policy.maxQueueDelayNanos()) return count;
    return preferredCount;
  }

  /** How many requests from the front of {@code b} fit under the cap (at least one). */
  private static <R> int fitting(Bucket<R> b, int cap) {
    int count = 0;
    int items = 0;
    for (Pending<R> p : b) {
      if (count > 0 && items + p.batchSize() > cap) break;
      items += p.batchSize();
      count++;
    }
    return count;
  }
}

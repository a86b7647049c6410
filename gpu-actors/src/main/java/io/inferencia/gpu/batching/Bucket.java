package io.inferencia.gpu.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * The queued requests of one shape, in priority order (level by level, then arrival), so a batch
 * takes the highest-priority requests first and fills up with lower ones, as in Triton.
 */
final class Bucket<R> implements Iterable<Pending<R>> {
  private final ArrayDeque<Pending<R>>[] levels;
  private int size;

  @SuppressWarnings("unchecked")
  Bucket(int priorityLevels) {
    levels = new ArrayDeque[priorityLevels + 1];
  }

  void add(Pending<R> p) {
    ArrayDeque<Pending<R>> q = levels[p.level()];
    if (q == null) q = levels[p.level()] = new ArrayDeque<>();
    q.addLast(p);
    size++;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The first request in priority order. */
  Pending<R> head() {
    for (ArrayDeque<Pending<R>> q : levels) if (q != null && !q.isEmpty()) return q.peekFirst();
    throw new NoSuchElementException();
  }

  /** When its longest-waiting request arrived (each level's first is that level's oldest). */
  long oldestNanos() {
    long oldest = Long.MAX_VALUE;
    for (ArrayDeque<Pending<R>> q : levels) if (q != null && !q.isEmpty()) oldest = Math.min(oldest, q.peekFirst().enqueuedNanos());
    return oldest;
  }

  Pending<R> poll() {
    for (ArrayDeque<Pending<R>> q : levels)
      if (q != null && !q.isEmpty()) {
        size--;
        return q.pollFirst();
      }
    throw new NoSuchElementException();
  }

  /** Removes and returns the requests that match. */
  List<Pending<R>> removeIf(Predicate<Pending<R>> test) {
    List<Pending<R>> removed = new ArrayList<>();
    for (ArrayDeque<Pending<R>> q : levels)
      if (q != null)
        q.removeIf(p -> {
          boolean match = test.test(p);
          if (match) removed.add(p);
          return match;
        });
    size -= removed.size();
    return removed;
  }

  @Override
  public Iterator<Pending<R>> iterator() {
    return new Iterator<>() {
      private int level;
      private Iterator<Pending<R>> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext()) {
          if (level >= levels.length) return false;
          ArrayDeque<Pending<R>> q = levels[level++];
          if (q != null) current = q.iterator();
        }
        return true;
      }

      @Override
      public Pending<R> next() {
        if (!hasNext()) throw new NoSuchElementException();
        return current.next();
      }
    };
  }
}

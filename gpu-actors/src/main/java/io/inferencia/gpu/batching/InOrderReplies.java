package io.inferencia.gpu.batching;

import java.util.TreeMap;

/**
 * Triton's preserve_ordering: answers go out in the order the requests were accepted. Each accepted
 * request takes the next sequence number and must be answered exactly once (result, rejection or
 * failure); an answer that is ready early waits for every earlier one. Confined to one actor.
 */
public final class InOrderReplies {
  private final TreeMap<Long, Runnable> held = new TreeMap<>();
  private long issued;
  private long next;

  /** The sequence number of a newly accepted request. */
  public long accept() {
    return issued++;
  }

  /** Sends {@code answer} now, or once every request accepted before {@code seq} has been answered. */
  public void answer(long seq, Runnable answer) {
    if (seq != next) {
      held.put(seq, answer);
      return;
    }
    answer.run();
    next++;
    while (!held.isEmpty() && held.firstKey() == next) {
      held.pollFirstEntry().getValue().run();
      next++;
    }
  }

  /** Answers waiting on an earlier one. */
  public int held() {
    return held.size();
  }
}

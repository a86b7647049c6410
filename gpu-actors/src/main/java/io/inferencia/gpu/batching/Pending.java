package io.inferencia.gpu.batching;

import io.inferencia.protocols.inference.InferRequest;

/**
 * A validated request waiting in a batcher's queue.
 *
 * @param replyTo whatever the caller needs to answer it (an actor ref in the batcher)
 * @param bucket requests batch together only within one bucket (identical non-batch dimensions)
 * @param deadlineNanos when the queue policy's timeout passes (MAX_VALUE: never)
 * @param level its priority level (1 is the highest; 0 where the model has no levels)
 * @param clientDeadlineNanos when its client stops waiting (MAX_VALUE: never); past it the request is
 *     dropped whatever the timeout action
 */
public record Pending<R>(
    R replyTo, InferRequest request, int batchSize, String bucket, long enqueuedNanos, long deadlineNanos, int level,
    long clientDeadlineNanos) {

  /** Queued past its client's deadline: no one waits for the answer. */
  public boolean abandoned(long now) {
    return clientDeadlineNanos <= now;
  }

  /** Must not run now: abandoned, or late where the timeout action is REJECT. */
  public boolean rejectedAt(long now, boolean delayWhenLate) {
    return abandoned(now) || (deadlineNanos <= now && !delayWhenLate);
  }
}

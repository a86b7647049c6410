package io.inferencia.gpu.batching;

import io.inferencia.protocols.inference.InferRequest;

/**
 * A validated request waiting in a batcher's queue.
 *
 * @param replyTo whatever the caller needs to answer it (an actor ref in the batcher)
 * @param bucket requests batch together only within one bucket (identical non-batch dimensions)
 * @param level its priority level (1 is the highest; 0 where the model has no levels)
 */
public record Pending<R>(
    R replyTo, InferRequest request, int batchSize, String bucket, long enqueuedNanos, long deadlineNanos, int level) {}

package io.inferencia.gpu.batching;

import io.inferencia.gpu.repository.BatchingMode;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelDynamicBatching;
import java.util.concurrent.TimeUnit;

/**
 * The batching and queueing rules of one model version, taken from its config.
 *
 * @param maxBatchSize largest batch the model takes; 1 when the model does not batch
 * @param preferredBatchSize the size a fixed-mode batcher waits for (the largest preferred size, else max)
 * @param maxQueueSize 0 for unbounded
 * @param defaultTimeoutNanos 0 for no queue timeout
 */
public record BatchPolicy(
    BatchingMode mode,
    int maxBatchSize,
    int preferredBatchSize,
    long maxQueueDelayNanos,
    int maxQueueSize,
    long defaultTimeoutNanos) {

  public static BatchPolicy of(ModelConfig config) {
    BatchingMode mode = config.getMaxBatchSize() == 0 ? BatchingMode.OFF : BatchingMode.of(config);
    ModelDynamicBatching db = config.getDynamicBatching();
    int max = Math.max(1, config.getMaxBatchSize());
    int preferred = db.getPreferredBatchSizeList().stream().mapToInt(Integer::intValue).max().orElse(max);
    long delay = TimeUnit.MICROSECONDS.toNanos(db.getMaxQueueDelayMicroseconds());
    var queue = db.getDefaultQueuePolicy();
    return new BatchPolicy(
        mode,
        mode == BatchingMode.OFF ? 1 : max,
        mode == BatchingMode.OFF ? 1 : preferred,
        delay,
        queue.getMaxQueueSize(),
        TimeUnit.MICROSECONDS.toNanos(queue.getDefaultTimeoutMicroseconds()));
  }

  /** The request's deadline: its own timeout if it set one, else the model's default (MAX_VALUE: none). */
  public long deadline(long enqueuedNanos, long requestTimeoutMicros) {
    long timeout = requestTimeoutMicros > 0 ? TimeUnit.MICROSECONDS.toNanos(requestTimeoutMicros) : defaultTimeoutNanos;
    return timeout > 0 ? enqueuedNanos + timeout : Long.MAX_VALUE;
  }
}

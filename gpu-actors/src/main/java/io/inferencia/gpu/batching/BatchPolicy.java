package io.inferencia.gpu.batching;

import io.inferencia.gpu.repository.BatchingMode;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelDynamicBatching;
import io.inferencia.protocols.modelconfig.ModelQueuePolicy;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The batching and queueing rules of one model version, taken from its config.
 *
 * @param maxBatchSize largest batch the model takes; 1 when the model does not batch
 * @param preferredSizes ascending batch sizes a fixed-mode batcher dispatches at without waiting out the
 *     queue delay (Triton's preferred_batch_size; without one, max_batch_size)
 * @param maxQueueSize 0 for unbounded
 * @param defaultTimeoutNanos 0 for no queue timeout
 * @param allowTimeoutOverride whether a request's own {@code timeout} may shorten the default
 * @param delayWhenLate timeout_action DELAY: a late request is not rejected but waits behind every
 *     request still within its timeout
 */
public record BatchPolicy(
    BatchingMode mode,
    int maxBatchSize,
    int[] preferredSizes,
    long maxQueueDelayNanos,
    int maxQueueSize,
    long defaultTimeoutNanos,
    boolean allowTimeoutOverride,
    boolean delayWhenLate) {

  public BatchPolicy {
    if (preferredSizes.length == 0) throw new IllegalArgumentException("at least one preferred batch size");
    preferredSizes = preferredSizes.clone();
    Arrays.sort(preferredSizes);
  }

  public static BatchPolicy of(ModelConfig config) {
    BatchingMode mode = config.getMaxBatchSize() == 0 ? BatchingMode.OFF : BatchingMode.of(config);
    ModelDynamicBatching db = config.getDynamicBatching();
    int max = mode == BatchingMode.OFF ? 1 : Math.max(1, config.getMaxBatchSize());
    int[] preferred = mode == BatchingMode.OFF || db.getPreferredBatchSizeCount() == 0
        ? new int[] {max}
        : db.getPreferredBatchSizeList().stream().mapToInt(Integer::intValue).distinct().toArray();
    ModelQueuePolicy queue = db.getDefaultQueuePolicy();
    return new BatchPolicy(
        mode,
        max,
        preferred,
        TimeUnit.MICROSECONDS.toNanos(db.getMaxQueueDelayMicroseconds()),
        queue.getMaxQueueSize(),
        TimeUnit.MICROSECONDS.toNanos(queue.getDefaultTimeoutMicroseconds()),
        queue.getAllowTimeoutOverride(),
        queue.getTimeoutAction() == ModelQueuePolicy.TimeoutAction.DELAY);
  }

  /** A copy: callers on the hot path keep their own. */
  @Override
  public int[] preferredSizes() {
    return preferredSizes.clone();
  }

  /** The largest preferred size: what a fixed-mode batch is cut at when no queue delay has passed. */
  public int preferredBatchSize() {
    return preferredSizes[preferredSizes.length - 1];
  }

  /**
   * The request's deadline (MAX_VALUE: none). As in Triton, a request's own timeout counts only where
   * the config sets allow_timeout_override, and then may shorten the default but never lengthen it.
   */
  public long deadline(long enqueuedNanos, long requestTimeoutMicros) {
    long timeout = defaultTimeoutNanos;
    if (allowTimeoutOverride && requestTimeoutMicros > 0) {
      long requested = TimeUnit.MICROSECONDS.toNanos(requestTimeoutMicros);
      timeout = timeout > 0 ? Math.min(timeout, requested) : requested;
    }
    return timeout > 0 ? enqueuedNanos + timeout : Long.MAX_VALUE;
  }
}

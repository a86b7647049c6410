package io.inferencia.gpu.batching;

import io.inferencia.protocols.modelconfig.ModelQueuePolicy;
import java.util.concurrent.TimeUnit;

/**
 * The queue rules of one priority level (Triton's ModelQueuePolicy).
 *
 * @param maxQueueSize 0 for unbounded
 * @param defaultTimeoutNanos 0 for no queue timeout
 * @param allowTimeoutOverride whether a request's own {@code timeout} may shorten the default
 * @param delayWhenLate timeout_action DELAY: a late request is not rejected but waits behind every
 *     request still within its timeout
 */
public record QueueRules(int maxQueueSize, long defaultTimeoutNanos, boolean allowTimeoutOverride, boolean delayWhenLate) {

  public static QueueRules of(ModelQueuePolicy queue) {
    return new QueueRules(
        queue.getMaxQueueSize(),
        TimeUnit.MICROSECONDS.toNanos(queue.getDefaultTimeoutMicroseconds()),
        queue.getAllowTimeoutOverride(),
        queue.getTimeoutAction() == ModelQueuePolicy.TimeoutAction.DELAY);
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

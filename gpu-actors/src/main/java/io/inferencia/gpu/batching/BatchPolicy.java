package io.inferencia.gpu.batching;

import io.inferencia.gpu.repository.BatchingMode;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelDynamicBatching;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The batching and queueing rules of one model version, taken from its config.
 *
 * @param maxBatchSize largest batch the model takes; 1 when the model does not batch
 * @param preferredSizes ascending batch sizes a fixed-mode batcher dispatches at without waiting out the
 *     queue delay (Triton's preferred_batch_size; without one, max_batch_size)
 * @param priorityLevels 0: one queue; else levels 1 (highest) to this
 * @param defaultPriorityLevel the level of requests that give none (0 without levels)
 * @param defaultQueue the rules of every level not in {@code levelQueues}
 */
public record BatchPolicy(
    BatchingMode mode,
    int maxBatchSize,
    int[] preferredSizes,
    long maxQueueDelayNanos,
    int priorityLevels,
    int defaultPriorityLevel,
    QueueRules defaultQueue,
    Map<Integer, QueueRules> levelQueues) {

  /** The request parameter that carries a request's priority level, as in Triton. */
  public static final String PRIORITY_PARAMETER = "priority";

  public BatchPolicy {
    if (preferredSizes.length == 0) throw new IllegalArgumentException("at least one preferred batch size");
    preferredSizes = preferredSizes.clone();
    Arrays.sort(preferredSizes);
    levelQueues = Map.copyOf(levelQueues);
  }

  /** One queue with the given rules, no priority levels. */
  public static BatchPolicy singleQueue(BatchingMode mode, int maxBatchSize, int[] preferred, long delayNanos, QueueRules queue) {
    return new BatchPolicy(mode, maxBatchSize, preferred, delayNanos, 0, 0, queue, Map.of());
  }

  public static BatchPolicy of(ModelConfig config) {
    BatchingMode mode = config.getMaxBatchSize() == 0 ? BatchingMode.OFF : BatchingMode.of(config);
    ModelDynamicBatching db = config.getDynamicBatching();
    int max = mode == BatchingMode.OFF ? 1 : Math.max(1, config.getMaxBatchSize());
    int[] preferred = mode == BatchingMode.OFF || db.getPreferredBatchSizeCount() == 0
        ? new int[] {max}
        : db.getPreferredBatchSizeList().stream().mapToInt(Integer::intValue).distinct().toArray();
    Map<Integer, QueueRules> levels = new HashMap<>();
    db.getPriorityQueuePolicyMap().forEach((level, queue) -> levels.put(level.intValue(), QueueRules.of(queue)));
    return new BatchPolicy(mode, max, preferred, TimeUnit.MICROSECONDS.toNanos(db.getMaxQueueDelayMicroseconds()),
        (int) db.getPriorityLevels(), (int) db.getDefaultPriorityLevel(), QueueRules.of(db.getDefaultQueuePolicy()), levels);
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
   * A request's level from its {@code priority} parameter. As in Triton, 0, none or one past the last
   * level means the default level; without levels everything is level 0.
   *
   * @throws IllegalArgumentException for a value that is not an unsigned integer
   */
  public int level(Map<String, String> parameters) {
    if (priorityLevels == 0) return 0;
    String value = parameters.get(PRIORITY_PARAMETER);
    if (value == null || value.isEmpty()) return defaultPriorityLevel;
    long requested;
    try {
      requested = Long.parseUnsignedLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("parameter 'priority' must be an unsigned integer, got '" + value + "'");
    }
    return requested == 0 || Long.compareUnsigned(requested, priorityLevels) > 0 ? defaultPriorityLevel : (int) requested;
  }

  public QueueRules rules(int level) {
    return levelQueues.getOrDefault(level, defaultQueue);
  }
}

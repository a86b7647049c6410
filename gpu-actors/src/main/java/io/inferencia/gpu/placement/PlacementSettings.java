package io.inferencia.gpu.placement;

import io.inferencia.protocols.config.SettingReader;
import java.time.Duration;

/**
 * The {@code inference.placement} section: how much memory replicas may take on each device, how long
 * a request waits for an on-demand load, when a replica counts as idle (evictable), and the scaling
 * policy of a model version whose config.pbtxt says nothing.
 *
 * @param memoryBudgetBytes per device, 0 for no limit; given as a size, or as a percentage of the
 *     container's memory limit ({@link ContainerMemory})
 * @param concurrentLoads loads that run at once on the node; the rest queue, so that serving is not
 *     starved and each load's footprint can be measured on its own
 * @param upscaleDelay how long a version must want more replicas before the controller adds one
 * @param downscaleDelay how long a version must want fewer replicas before the controller releases one
 * @param spillAfter on a node with the edge and gpu roles, how many more of the edge's calls in flight
 *     on its own copy than on the least busy other replica before a call goes to that replica
 */
public record PlacementSettings(long memoryBudgetBytes, Duration loadWait, Duration idleAfter, int concurrentLoads,
    int defaultMinReplicas, int defaultMaxReplicas, int defaultTargetInFlight, Duration upscaleDelay,
    Duration downscaleDelay, int spillAfter) {

  public static PlacementSettings from(SettingReader inference) {
    SettingReader r = inference.child("placement");
    int min = r.intAtLeast("default-min-replicas", "INFERENCE_DEFAULT_MIN_REPLICAS", 0);
    int max = r.positiveInt("default-max-replicas", "INFERENCE_DEFAULT_MAX_REPLICAS");
    if (min > max) throw r.invalid("default-min-replicas", "INFERENCE_DEFAULT_MIN_REPLICAS",
        "must not exceed default-max-replicas (" + max + ")");
    return new PlacementSettings(
        memoryBudget(r, ContainerMemory::limitBytes),
        r.positiveDuration("load-wait", "INFERENCE_LOAD_WAIT"),
        r.nonNegativeDuration("idle-after", "INFERENCE_IDLE_AFTER"),
        r.positiveInt("concurrent-loads", "INFERENCE_CONCURRENT_LOADS"),
        min, max,
        r.positiveInt("default-target-in-flight", null),
        r.nonNegativeDuration("upscale-delay", "INFERENCE_UPSCALE_DELAY"),
        r.nonNegativeDuration("downscale-delay", "INFERENCE_DOWNSCALE_DELAY"),
        r.positiveInt("spill-after", "INFERENCE_SPILL_AFTER"));
  }

  /** A size ({@code 4GiB}), or {@code N%} of {@code limit} (the container's memory), for a manifest that fits any size. */
  static long memoryBudget(SettingReader r, java.util.function.LongSupplier limit) {
    String value = r.string("memory-budget", "INFERENCE_MEMORY_BUDGET").trim();
    if (!value.endsWith("%")) return r.bytesAtLeast("memory-budget", "INFERENCE_MEMORY_BUDGET", 0);
    double percent;
    try {
      percent = Double.parseDouble(value.substring(0, value.length() - 1).trim());
    } catch (NumberFormatException e) {
      throw r.invalid("memory-budget", "INFERENCE_MEMORY_BUDGET", "'" + value + "' is not a size or a percentage");
    }
    if (!(percent > 0 && percent <= 100))
      throw r.invalid("memory-budget", "INFERENCE_MEMORY_BUDGET", "'" + value + "' must be a percentage above 0 and at most 100");
    return (long) (limit.getAsLong() * percent / 100);
  }
}

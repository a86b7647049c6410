package io.inferencia.gpu.batching;

import com.typesafe.config.Config;

/**
 * Tuning knobs of {@link AdaptiveBatchSizer} ({@code inference.batching.adaptive}).
 *
 * @param ewmaAlpha weight of the newest execution-time sample
 * @param samplesPerCandidate full batches measured per candidate cap before moving on
 * @param maxAttemptsPerCandidate batches tried at a cap before concluding the load cannot fill it
 * @param reexploreEveryBatches batches after settling before measuring all caps again
 * @param driftTolerance the settled cap's batch time growing by this fraction (or shrinking by the inverse)
 *     triggers re-exploring
 * @param earlyStopDrop exploring stops once a cap's throughput is this fraction below the best so far:
 *     past the peak, larger caps only cost latency (and are the slowest to measure)
 * @param backlogBatches after settling on a cap because the load could not fill a larger one, this many
 *     consecutive dispatches with at least twice the cap waiting mean the load grew: explore again
 * @param warmupBatches full batches at each cap, in each exploring round, that are not measured: the
 *     first runs at a new shape pay ONNX Runtime's allocation planning, and cap 1 is tried right after
 *     the sessions open
 */
public record AdaptiveSettings(
    double ewmaAlpha, int samplesPerCandidate, int maxAttemptsPerCandidate, long reexploreEveryBatches, double driftTolerance,
    double earlyStopDrop, int backlogBatches, int warmupBatches) {

  public static AdaptiveSettings fromConfig(Config adaptive) {
    return new AdaptiveSettings(
        adaptive.getDouble("ewma-alpha"),
        adaptive.getInt("samples-per-candidate"),
        adaptive.getInt("max-attempts-per-candidate"),
        adaptive.getLong("reexplore-every-batches"),
        adaptive.getDouble("drift-tolerance"),
        adaptive.getDouble("early-stop-drop"),
        adaptive.getInt("backlog-batches"),
        adaptive.getInt("warmup-batches"));
  }
}

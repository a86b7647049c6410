package io.inferencia.gpu.batching;

import com.typesafe.config.Config;

/**
 * Tuning knobs of {@link AdaptiveBatchSizer} ({@code inference.batching.adaptive}).
 *
 * @param ewmaAlpha weight of the newest execution-time sample
 * @param samplesPerCandidate full batches measured per candidate cap before moving on
 * @param maxAttemptsPerCandidate batches tried at a cap before concluding the load cannot fill it
 * @param reexploreEveryBatches batches after settling before measuring all caps again
 * @param driftTolerance relative change of the settled cap's batch time that triggers re-exploring
 */
public record AdaptiveSettings(
    double ewmaAlpha, int samplesPerCandidate, int maxAttemptsPerCandidate, long reexploreEveryBatches, double driftTolerance) {

  public static AdaptiveSettings fromConfig(Config adaptive) {
    return new AdaptiveSettings(
        adaptive.getDouble("ewma-alpha"),
        adaptive.getInt("samples-per-candidate"),
        adaptive.getInt("max-attempts-per-candidate"),
        adaptive.getLong("reexplore-every-batches"),
        adaptive.getDouble("drift-tolerance"));
  }
}

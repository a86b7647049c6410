package io.inferencia.protocols.placement;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.inferencia.protocols.CborSerializable;

/**
 * How many replicas of one model version the cluster keeps, from its config.pbtxt parameters
 * ({@code min_replicas}, {@code max_replicas}, {@code target_in_flight}) or set at run time.
 *
 * @param minReplicas replicas that are always loaded and never evicted (0: loaded on demand)
 * @param maxReplicas the most replicas autoscaling adds
 * @param targetInFlight requests in flight per replica that autoscaling aims for
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ScalingPolicy(int minReplicas, int maxReplicas, int targetInFlight) implements CborSerializable {
  public ScalingPolicy {
    if (minReplicas < 0) throw new IllegalArgumentException("min_replicas must be >= 0, got " + minReplicas);
    if (maxReplicas < 1) throw new IllegalArgumentException("max_replicas must be >= 1, got " + maxReplicas);
    if (minReplicas > maxReplicas)
      throw new IllegalArgumentException("min_replicas (" + minReplicas + ") must not exceed max_replicas (" + maxReplicas + ")");
    if (targetInFlight < 1) throw new IllegalArgumentException("target_in_flight must be >= 1, got " + targetInFlight);
  }

  /** This policy with the update's fields that are set. */
  public ScalingPolicy with(ScalingUpdate update) {
    return new ScalingPolicy(
        update.minReplicas() == null ? minReplicas : update.minReplicas(),
        update.maxReplicas() == null ? maxReplicas : update.maxReplicas(),
        update.targetInFlight() == null ? targetInFlight : update.targetInFlight());
  }
}

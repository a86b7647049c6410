package io.inferencia.protocols.placement;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.inferencia.protocols.CborSerializable;

/** A change of a version's {@link ScalingPolicy}: the fields that are null stay as they are. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ScalingUpdate(Integer minReplicas, Integer maxReplicas, Integer targetInFlight) implements CborSerializable {
  public boolean isEmpty() {
    return minReplicas == null && maxReplicas == null && targetInFlight == null;
  }
}

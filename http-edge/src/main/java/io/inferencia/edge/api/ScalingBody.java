package io.inferencia.edge.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.inferencia.edge.json.Validated;
import io.inferencia.protocols.placement.ScalingUpdate;

/**
 * The body of {@code PUT /v1/admin/models/{model}[/versions/{version}]/scaling}: the policy fields to
 * change, each optional, at least one set. Each field is checked alone here (its lower bound); whether
 * the resulting policy holds together (min not above max) is the gateway's call, against the policy now
 * in force.
 */
record ScalingBody(
    @JsonProperty("min_replicas") Integer minReplicas,
    @JsonProperty("max_replicas") Integer maxReplicas,
    @JsonProperty("target_in_flight") Integer targetInFlight) implements Validated {
  static final String PROBLEM = "invalid-scaling";

  @Override
  public void validate() {
    if (minReplicas == null && maxReplicas == null && targetInFlight == null)
      throw ApiProblem.badRequest(PROBLEM, "nothing to change: set min_replicas, max_replicas or target_in_flight");
    atLeast("min_replicas", minReplicas, 0);
    atLeast("max_replicas", maxReplicas, 1);
    atLeast("target_in_flight", targetInFlight, 1);
  }

  ScalingUpdate update() {
    return new ScalingUpdate(minReplicas, maxReplicas, targetInFlight);
  }

  private static void atLeast(String field, Integer value, int min) {
    if (value != null && value < min)
      throw ApiProblem.badRequest(PROBLEM, "'" + field + "' must be an integer >= " + min + ", got " + value);
  }
}

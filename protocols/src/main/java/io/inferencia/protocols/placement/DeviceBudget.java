package io.inferencia.protocols.placement;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.inferencia.protocols.CborSerializable;

/**
 * One device of a gpu node and its memory budget.
 *
 * @param budgetBytes what replicas may take on it, 0 for no limit
 * @param usedBytes the footprints of the replicas placed on it (loading ones included)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DeviceBudget(String device, long budgetBytes, long usedBytes, int replicas) implements CborSerializable {}

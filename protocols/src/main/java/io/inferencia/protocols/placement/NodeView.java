package io.inferencia.protocols.placement;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.inferencia.protocols.CborSerializable;
import java.util.List;

/**
 * One gpu node as the admin API shows it ({@code GET /v1/admin/nodes}).
 *
 * @param pendingLoads versions waiting for their turn to load
 * @param unmetDemand versions that requests wait for and that do not fit the node's budget even after
 *     every evictable replica went: the signal to add a gpu node
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NodeView(String node, List<DeviceBudget> devices, int pendingLoads, int unmetDemand) implements CborSerializable {
  public NodeView {
    devices = List.copyOf(devices);
  }
}

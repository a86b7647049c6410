package io.inferencia.protocols.placement;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.inferencia.protocols.CborSerializable;
import java.util.List;

/**
 * One replica of a model version as the admin API shows it ({@code GET /v1/admin/placement}).
 *
 * @param node the cluster address of the node that hosts it
 * @param devices the devices its sessions run on ({@code cpu}, {@code cuda-0}, ...)
 * @param state LOADING, READY, UNLOADING or UNAVAILABLE (an idle replica of an on-demand version is
 *     UNAVAILABLE with a reason saying it loads on its next request)
 * @param inFlight requests accepted and not yet answered
 * @param avgInFlight requests in flight on average over the last second (the load autoscaling reads)
 * @param footprintBytes the memory it takes (or is expected to take) on each of its devices
 * @param footprintMeasured whether {@code footprintBytes} was measured at a load on this node rather
 *     than declared or estimated
 * @param lastUsedEpochMillis when it last took a request, 0 if never
 * @param pendingRequests requests waiting for it to load
 * @param pinned whether it is kept loaded: never evicted, never released by autoscaling
 * @param replica the sharded {@code ModelReplica} entity that owns this copy ({@code model/version#n}),
 *     empty while the placement controller has not placed one on it (a copy loaded on demand a moment ago)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReplicaView(String model, String version, String node, List<String> devices, String state, String reason,
    long inFlight, double avgInFlight, long footprintBytes, boolean footprintMeasured, long lastUsedEpochMillis, int pendingRequests,
    boolean pinned, ScalingPolicy scaling, String replica) implements CborSerializable {
  public ReplicaView {
    devices = List.copyOf(devices);
    replica = replica == null ? "" : replica;
  }
}

package io.inferencia.gpu.cluster;

import io.inferencia.protocols.placement.DeviceBudget;
import io.inferencia.protocols.placement.NodeView;
import io.inferencia.protocols.placement.ReplicaView;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the cluster side reads from a gpu node's placement answers: its READY versions, its free memory. */
final class NodeViews {
  private NodeViews() {}

  /** {@code model/version} of every READY replica. */
  static Set<String> readyVersions(List<ReplicaView> replicas) {
    Set<String> out = new HashSet<>();
    for (ReplicaView r : replicas) if (r.state().equals("READY")) out.add(r.model() + "/" + r.version());
    return out;
  }

  /** What the node's fullest device has left; a node without a budget has no limit. */
  static long free(NodeView node) {
    long free = Long.MAX_VALUE;
    for (DeviceBudget d : node.devices())
      if (d.budgetBytes() > 0) free = Math.min(free, d.budgetBytes() - d.usedBytes());
    return free;
  }
}

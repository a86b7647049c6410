package io.inferencia.gpu.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which {@link ModelReplica} entity owns which copy (pure: the placement controller feeds it what the
 * nodes report). A copy loaded or loading with no owner gets the lowest free index of its version
 * ({@code ocr_rec/1#0}, {@code #1}, ...), to be placed on the copy's node; the name is held for
 * {@code confirmWithin} until the node reports it, then the node's report is the truth. An index whose
 * copy went (its node lost, the copy retired) is free again, so a replica lost with its node comes back
 * under the same name, in the same shard, on another node. Not thread-safe: one owner.
 */
final class ReplicaRoster {
  /** One version's copy on one node, as the node reported it; {@code replica} empty when none owns it. */
  record Copy(String node, String model, String version, String replica) {}

  /**
   * A replica to place: {@code fresh} the first time (its shard's location is to be set), afterwards
   * sent again until the node reports it.
   */
  record Placement(ReplicaId id, String node, boolean fresh) {}

  private record Pending(String node, String versionKey, long sinceNanos) {}

  private final long confirmWithinNanos;
  private final Map<String, Pending> pending = new HashMap<>();

  ReplicaRoster(java.time.Duration confirmWithin) {
    this.confirmWithinNanos = confirmWithin.toNanos();
  }

  List<Placement> update(long nowNanos, List<Copy> copies) {
    Set<String> named = new HashSet<>();
    Set<String> owned = new HashSet<>(); // node|model/version with an owner, reported or pending
    for (Copy c : copies) {
      if (c.replica().isEmpty()) continue;
      named.add(c.replica());
      owned.add(c.node() + "|" + c.model() + "/" + c.version());
    }
    pending.entrySet().removeIf(e -> named.contains(e.getKey()) || nowNanos - e.getValue().sinceNanos() > confirmWithinNanos);
    List<Placement> out = new ArrayList<>();
    pending.forEach((id, p) -> {
      owned.add(p.node() + "|" + p.versionKey());
      out.add(new Placement(ReplicaId.parse(id), p.node(), false));
    });
    for (Copy c : copies) {
      String key = c.model() + "/" + c.version();
      if (!c.replica().isEmpty() || !owned.add(c.node() + "|" + key)) continue;
      ReplicaId id = freeId(c.model(), c.version(), named);
      pending.put(id.toString(), new Pending(c.node(), key, nowNanos));
      out.add(new Placement(id, c.node(), true));
    }
    return out;
  }

  /** The lowest index of the version that no node reports and no placement holds. */
  private ReplicaId freeId(String model, String version, Set<String> named) {
    for (int i = 0; ; i++) {
      ReplicaId id = new ReplicaId(model, version, i);
      if (!named.contains(id.toString()) && !pending.containsKey(id.toString())) return id;
    }
  }
}

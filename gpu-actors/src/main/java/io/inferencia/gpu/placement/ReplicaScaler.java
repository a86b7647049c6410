package io.inferencia.gpu.placement;

import io.inferencia.protocols.placement.ScalingPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster's replica decisions, from what every gpu node reports (pure: the placement controller
 * feeds it and carries its actions out). A version's replicas are the gpu nodes that have it loaded;
 * each version wants {@code ceil(load / target_in_flight)} of them within {@code [min_replicas,
 * max_replicas]} and at most one per node (Ray Serve's rule, load = requests in flight averaged over the
 * last second). More replicas than wanted for {@code downscaleDelay} releases the least loaded one;
 * fewer for {@code upscaleDelay} warms one on the node with the most free memory that has room (fewer
 * than {@code min_replicas}: at once, as after a node is lost). Replicas wanted that no node has room
 * for, or beyond one per node, are unmet demand; the delay keeps running through it, so a gpu node that
 * joins gets a replica at the next decision. The first {@code min_replicas} replicas by node address
 * are pinned, the rest evictable. Not thread-safe: one owner.
 */
public final class ReplicaScaler {
  /** One version on one node, loaded or loading. */
  public record Copy(String node, boolean ready, double load, long footprintBytes) {}

  /** One version across the cluster. */
  public record Version(String model, String version, ScalingPolicy policy, List<Copy> copies) {
    String key() {
      return model + "/" + version;
    }
  }

  /** @param freeBytes what the node's fullest device has left, Long.MAX_VALUE without a budget */
  public record Node(String node, long freeBytes) {}

  public sealed interface Action {}

  public record Warm(String node, String model, String version) implements Action {}

  public record Release(String node, String model, String version) implements Action {}

  public record Pin(String node, String model, String version, boolean pinned) implements Action {}

  private final Duration upscaleDelay;
  private final Duration downscaleDelay;
  private final Map<String, Long> aboveSince = new HashMap<>();
  private final Map<String, Long> belowSince = new HashMap<>();
  /** node|model/version → the pin last sent. */
  private final Map<String, Boolean> pins = new HashMap<>();
  private int unmet;

  public ReplicaScaler(Duration upscaleDelay, Duration downscaleDelay) {
    this.upscaleDelay = upscaleDelay;
    this.downscaleDelay = downscaleDelay;
  }

  /** Replicas wanted by the last decision that no node had room for, or that have no node to go to. */
  public int unmet() {
    return unmet;
  }

  public List<Action> decide(long nowNanos, List<Version> versions, List<Node> nodes) {
    List<Action> actions = new ArrayList<>();
    unmet = 0;
    Map<String, Long> free = new HashMap<>();
    nodes.forEach(n -> free.put(n.node(), n.freeBytes()));
    for (Version v : versions) {
      int copies = v.copies().size();
      int demanded = demanded(v);
      int wanted = Math.min(demanded, nodes.size());
      // Replicas wanted beyond one per node are unmet demand: the signal to add gpu nodes.
      unmet += Math.max(0, demanded - Math.max(copies, nodes.size()));
      int pinnedShort = Math.min(v.policy().minReplicas(), nodes.size()) - copies;
      if (pinnedShort > 0) {
        if (warm(v, free, actions)) aboveSince.put(v.key(), nowNanos);
        else unmet += pinnedShort;
      } else if (demanded > copies) {
        // The delay runs while the demand lasts, also with no node to put a replica on: a node that
        // joins after it ran out gets the replica at the next decision.
        long since = aboveSince.computeIfAbsent(v.key(), k -> nowNanos);
        if (wanted > copies && nowNanos - since >= upscaleDelay.toNanos()) {
          if (warm(v, free, actions)) aboveSince.put(v.key(), nowNanos);
          else unmet += wanted - copies;
        }
      } else {
        aboveSince.remove(v.key());
      }
      if (wanted < copies && copies > v.policy().minReplicas()) {
        long since = belowSince.computeIfAbsent(v.key(), k -> nowNanos);
        if (nowNanos - since >= downscaleDelay.toNanos()) {
          Set<String> pinned = Set.copyOf(pinnedNodes(v));
          v.copies().stream().filter(c -> c.ready() && !pinned.contains(c.node())).min(Comparator.comparingDouble(Copy::load))
              .ifPresent(c -> actions.add(new Release(c.node(), v.model(), v.version())));
          belowSince.put(v.key(), nowNanos);
        }
      } else {
        belowSince.remove(v.key());
      }
      pin(v, actions);
    }
    forgetGone(versions, nodes);
    return actions;
  }

  /** Replicas the version wants now, at most one per node. */
  static int wanted(Version v, int nodes) {
    return Math.min(demanded(v), nodes);
  }

  /** Replicas the version's load asks for within [min_replicas, max_replicas], however many nodes there are. */
  static int demanded(Version v) {
    double load = v.copies().stream().mapToDouble(Copy::load).sum();
    int byLoad = (int) Math.ceil(load / v.policy().targetInFlight() - 1e-9);
    return Math.max(v.policy().minReplicas(), Math.min(v.policy().maxReplicas(), byLoad));
  }

  /** Warms one replica on the node with the most room that lacks one; false when none has room. */
  private boolean warm(Version v, Map<String, Long> free, List<Action> actions) {
    Set<String> has = new java.util.HashSet<>();
    v.copies().forEach(c -> has.add(c.node()));
    long footprint = v.copies().stream().mapToLong(Copy::footprintBytes).max().orElse(0);
    String best = null;
    for (var e : new TreeMap<>(free).entrySet()) {
      if (has.contains(e.getKey()) || e.getValue() < footprint) continue;
      if (best == null || e.getValue() > free.get(best)) best = e.getKey();
    }
    if (best == null) return false;
    if (free.get(best) != Long.MAX_VALUE) free.put(best, free.get(best) - footprint);
    actions.add(new Warm(best, v.model(), v.version()));
    return true;
  }

  /** The nodes whose copies count toward min_replicas: the first ready ones by address. */
  private static List<String> pinnedNodes(Version v) {
    List<String> ready = v.copies().stream().filter(Copy::ready).map(Copy::node).sorted().toList();
    return ready.subList(0, Math.min(ready.size(), v.policy().minReplicas()));
  }

  private void pin(Version v, List<Action> actions) {
    List<String> ready = v.copies().stream().filter(Copy::ready).map(Copy::node).sorted().toList();
    for (int i = 0; i < ready.size(); i++) {
      boolean pinned = i < v.policy().minReplicas();
      Boolean before = pins.put(ready.get(i) + "|" + v.key(), pinned);
      if (before == null || before != pinned) actions.add(new Pin(ready.get(i), v.model(), v.version(), pinned));
    }
  }

  private void forgetGone(List<Version> versions, List<Node> nodes) {
    Set<String> keys = new java.util.HashSet<>();
    versions.forEach(v -> v.copies().forEach(c -> keys.add(c.node() + "|" + v.key())));
    pins.keySet().retainAll(keys);
  }
}

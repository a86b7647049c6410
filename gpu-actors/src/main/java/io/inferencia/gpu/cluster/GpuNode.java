package io.inferencia.gpu.cluster;

import io.inferencia.gpu.actors.ModelRepositoryManager;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One gpu node's repository manager as this edge sees it: the requests in flight to it from here (the
 * load that power-of-two choices compares) and whether it was lost. Losing it re-sends those requests.
 */
final class GpuNode {
  final Address address;
  final ActorRef<ModelRepositoryManager.Command> manager;
  /** Each in-flight call's re-send, run once if the node is lost before the call is answered. */
  private final Set<Runnable> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean lost;
  /** {@code model} and {@code model/version} of every version READY there, as the watcher last heard. */
  private volatile Set<String> serving = Set.of();
  /** The replica entity of each version READY there, by {@code model/version} and by {@code model}. */
  private volatile Map<String, String> replicas = Map.of();

  /** This node's own core: the manager runs in this actor system. */
  private final boolean local;

  GpuNode(Address address, ActorRef<ModelRepositoryManager.Command> manager) {
    this(address, manager, address.hasLocalScope());
  }

  /** This edge's circuit breaker for the node as a remote inference backend. */
  final NodeBreaker breaker;

  GpuNode(Address address, ActorRef<ModelRepositoryManager.Command> manager, boolean local) {
    this(address, manager, local, NodeBreaker.NEVER_OPENS);
  }

  GpuNode(Address address, ActorRef<ModelRepositoryManager.Command> manager, boolean local, NodeBreaker breaker) {
    this.address = address;
    this.manager = manager;
    this.local = local;
    this.breaker = breaker;
  }

  int outstanding() {
    return inFlight.size();
  }

  /** Registers a call; false when the node is already lost (the caller re-sends at once). */
  boolean track(Runnable resend) {
    inFlight.add(resend);
    if (!lost) return true;
    inFlight.remove(resend);
    return false;
  }

  void untrack(Runnable resend) {
    inFlight.remove(resend);
  }

  /** Unreachable or gone: every call still waiting on it is sent elsewhere. */
  void markLost() {
    lost = true;
    for (Runnable resend : inFlight) {
      inFlight.remove(resend);
      resend.run();
    }
  }

  /** Whether the node has the version (empty: any version of the model) loaded and ready. */
  boolean serves(String model, String version) {
    return serving.contains(version.isEmpty() ? model : model + "/" + version);
  }

  void serving(Set<String> versions, Map<String, String> replicaIds) {
    serving = Set.copyOf(versions);
    replicas = Map.copyOf(replicaIds);
  }

  /** The replica entity that owns the node's READY copy of the version (empty: any), or null when none does yet. */
  String replicaOf(String model, String version) {
    return replicas.get(version.isEmpty() ? model : model + "/" + version);
  }

  /** This node's own core. */
  boolean isLocal() {
    return local;
  }

  boolean isLost() {
    return lost;
  }

  @Override
  public String toString() {
    return "gpu node " + address;
  }
}

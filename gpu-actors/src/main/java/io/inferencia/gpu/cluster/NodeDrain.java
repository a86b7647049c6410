package io.inferencia.gpu.cluster;

import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.actors.ModelRepositoryManager;
import io.inferencia.protocols.placement.ReplicaView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a gpu node leaves (SIGTERM, or a drain through the admin API): before it stops serving, every
 * version it has READY that no other gpu node has READY is warmed on the other node with the most free
 * memory, and the node waits (up to {@code warm-timeout}) until each serves there, so that the requests
 * that move with the edges find it loaded; then, once the edges stopped sending, the requests it
 * accepted are answered before the actor system goes ({@code in-flight-timeout}).
 */
public final class NodeDrain {
  private static final Logger log = LoggerFactory.getLogger(NodeDrain.class);
  private static final Duration ASK = Duration.ofSeconds(5);
  private static final long POLL_MS = 200;

  private final ActorSystem<?> system;
  private final ActorRef<ModelRepositoryManager.Command> self;
  private final Duration warmTimeout;
  private final Duration inFlightTimeout;

  private NodeDrain(ActorSystem<?> system, ActorRef<ModelRepositoryManager.Command> self, Duration warmTimeout,
      Duration inFlightTimeout) {
    this.system = system;
    this.self = self;
    this.warmTimeout = warmTimeout;
    this.inFlightTimeout = inFlightTimeout;
  }

  /** Adds the two tasks to the node's coordinated shutdown. */
  public static void register(ActorSystem<?> system, ActorRef<ModelRepositoryManager.Command> manager,
      Duration warmTimeout, Duration inFlightTimeout) {
    NodeDrain drain = new NodeDrain(system, manager, warmTimeout, inFlightTimeout);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(Adapter.toClassic(system));
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "warm-versions-elsewhere",
        () -> drain.warmElsewhere().exceptionally(error -> {
          log.warn("Warming this node's versions elsewhere failed: {}", error.toString());
          return Done.getInstance();
        }));
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "finish-in-flight-requests",
        () -> drain.finishInFlight().exceptionally(error -> Done.getInstance()));
  }

  /**
   * The hand-over alone, from any node: warms what only {@code drained} serves on the other gpu nodes
   * and completes once each serves there (or after {@code warmTimeout}). A drain asked through the admin
   * API runs it before the member is told to leave, while edges still send to it.
   */
  public static CompletionStage<Done> handOver(ActorSystem<?> system, ActorRef<ModelRepositoryManager.Command> drained,
      Duration warmTimeout) {
    return new NodeDrain(system, drained, warmTimeout, Duration.ZERO).warmElsewhere();
  }

  /** The repository manager of the gpu node at {@code address}, if one is registered. */
  public static CompletionStage<java.util.Optional<ActorRef<ModelRepositoryManager.Command>>> managerAt(
      ActorSystem<?> system, org.apache.pekko.actor.Address address) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            r -> Receptionist.find(InferenceCore.MANAGERS, r), ASK, system.scheduler())
        .thenApply(listing -> listing.getServiceInstances(InferenceCore.MANAGERS).stream()
            .filter(m -> m.path().address().equals(address) || (m.path().address().hasLocalScope()
                && address.equals(system.address())))
            .findFirst());
  }

  // ---- warm elsewhere ----

  CompletionStage<Done> warmElsewhere() {
    long deadline = System.nanoTime() + warmTimeout.toNanos();
    return placement(self).thenCompose(local -> others().thenCompose(others -> {
      Set<String> mine = NodeViews.readyVersions(local);
      if (mine.isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
      if (others.isEmpty()) {
        log.warn("Draining {}: no other gpu node to hand {} over to", node(), mine);
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      return views(others).thenCompose(elsewhere -> {
        Set<String> missing = new HashSet<>(mine);
        elsewhere.values().forEach(v -> missing.removeAll(NodeViews.readyVersions(v.replicas())));
        log.info("Draining {}: {} version(s) ready on it, {} of them ready on no other node", node(), mine.size(), missing.size());
        if (missing.isEmpty()) return awaitServedElsewhere(missing, others, deadline);
        List<ActorRef<ModelRepositoryManager.Command>> byRoom = new ArrayList<>(others);
        byRoom.sort(Comparator.comparingLong((ActorRef<ModelRepositoryManager.Command> m) -> free(elsewhere.get(m).node())).reversed());
        int i = 0;
        for (String key : missing) {
          String[] mv = key.split("/", 2);
          ActorRef<ModelRepositoryManager.Command> target = byRoom.get(i++ % byRoom.size());
          log.info("Draining {}: warming model '{}' version {} on {}", node(), mv[0], mv[1], target.path().address());
          AskPattern.<ModelRepositoryManager.Command, ModelRepositoryManager.ControlReply>ask(target,
              r -> new ModelRepositoryManager.Warm(mv[0], mv[1], r), ASK, system.scheduler());
        }
        return awaitServedElsewhere(missing, others, deadline);
      });
    }));
  }

  private CompletionStage<Done> awaitServedElsewhere(Set<String> missing,
      List<ActorRef<ModelRepositoryManager.Command>> others, long deadline) {
    return views(others).thenCompose(elsewhere -> {
      Set<String> left = new HashSet<>(missing);
      elsewhere.values().forEach(v -> left.removeAll(NodeViews.readyVersions(v.replicas())));
      if (left.isEmpty()) {
        log.info("Draining {}: every version it served is ready on another node", node());
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      if (System.nanoTime() > deadline) {
        log.warn("Draining {}: {} not ready elsewhere within {}; their requests wait for a load there", node(), left, warmTimeout);
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      return later(() -> awaitServedElsewhere(left, others, deadline));
    });
  }

  // ---- finish what was accepted ----

  CompletionStage<Done> finishInFlight() {
    return finishInFlight(System.nanoTime() + inFlightTimeout.toNanos());
  }

  private CompletionStage<Done> finishInFlight(long deadline) {
    return placement(self).thenCompose(replicas -> {
      long inFlight = replicas.stream().mapToLong(ReplicaView::inFlight).sum();
      if (inFlight == 0 || System.nanoTime() > deadline) {
        if (inFlight > 0) log.warn("Draining: {} requests still in flight after {}", inFlight, inFlightTimeout);
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      return later(() -> finishInFlight(deadline));
    });
  }

  // ---- asks ----

  private record View(List<ReplicaView> replicas, io.inferencia.protocols.placement.NodeView node) {}

  private CompletionStage<List<ActorRef<ModelRepositoryManager.Command>>> others() {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            r -> Receptionist.find(InferenceCore.MANAGERS, r), ASK, system.scheduler())
        .thenApply(listing -> listing.getServiceInstances(InferenceCore.MANAGERS).stream()
            .filter(m -> !m.equals(self)).toList());
  }

  private CompletionStage<Map<ActorRef<ModelRepositoryManager.Command>, View>> views(
      List<ActorRef<ModelRepositoryManager.Command>> managers) {
    Map<ActorRef<ModelRepositoryManager.Command>, CompletableFuture<View>> each = new HashMap<>();
    for (ActorRef<ModelRepositoryManager.Command> m : managers) {
      CompletableFuture<io.inferencia.protocols.placement.NodeView> node = AskPattern
          .<ModelRepositoryManager.Command, ModelRepositoryManager.NodeReply>ask(m, ModelRepositoryManager.GetNode::new, ASK,
              system.scheduler()).thenApply(ModelRepositoryManager.NodeReply::node).toCompletableFuture();
      each.put(m, placement(m).toCompletableFuture().thenCombine(node, View::new)
          .exceptionally(error -> new View(List.of(), null)));
    }
    return CompletableFuture.allOf(each.values().toArray(CompletableFuture[]::new)).thenApply(ok -> {
      Map<ActorRef<ModelRepositoryManager.Command>, View> out = new HashMap<>();
      each.forEach((m, f) -> out.put(m, f.join()));
      return out;
    });
  }

  private CompletionStage<List<ReplicaView>> placement(ActorRef<ModelRepositoryManager.Command> manager) {
    return AskPattern.<ModelRepositoryManager.Command, ModelRepositoryManager.PlacementReply>ask(manager,
        ModelRepositoryManager.GetPlacement::new, ASK, system.scheduler()).thenApply(ModelRepositoryManager.PlacementReply::replicas);
  }

  /** The drained node's address (the manager's own, or this system's when it is local). */
  private String node() {
    var address = self.path().address();
    return (address.hasLocalScope() ? system.address() : address).toString();
  }


  /** The node's free memory as placement reads it; a node that did not answer has the least. */
  private static long free(io.inferencia.protocols.placement.NodeView node) {
    return node == null ? Long.MIN_VALUE : NodeViews.free(node);
  }

  private static CompletionStage<Done> later(java.util.function.Supplier<CompletionStage<Done>> next) {
    return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(POLL_MS, TimeUnit.MILLISECONDS))
        .thenCompose(ignored -> next.get());
  }
}

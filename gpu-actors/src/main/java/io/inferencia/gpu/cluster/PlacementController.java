package io.inferencia.gpu.cluster;

import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.actors.ModelRepositoryManager;
import io.inferencia.gpu.placement.ReplicaScaler;
import io.inferencia.protocols.placement.NodeView;
import io.inferencia.protocols.placement.ReplicaView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kamon.Kamon;
import kamon.metric.Gauge;
import kamon.metric.Metric;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The cluster's placement controller: one per cluster (a singleton on the gpu nodes). Once a second it
 * asks every gpu node's repository manager what it has loaded and how busy each copy is, lets {@link
 * ReplicaScaler} decide, and carries the decisions out on the nodes: {@code Warm} (a replica more),
 * {@code Release} (one fewer), {@code Pin} (which copies count toward min_replicas). It keeps no state
 * that matters beyond the delays: a controller that moves to another node after its own was lost
 * rebuilds everything from the nodes' next answers.
 *
 * <p>Each copy is owned by a {@link ModelReplica} entity, named by {@link ReplicaRoster} and placed on
 * the copy's node through external shard allocation; a Release retires the copy's entity (which gives
 * the copy back on its node). Warm and Pin go to the node's manager: a warmed copy is named and placed
 * once it is loading, and pins follow min_replicas over the cluster.
 */
public final class PlacementController {
  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Listed(Receptionist.Listing listing) implements Command {}

  /** A node's loaded versions; null when it did not answer. */
  private record PolledReplicas(ActorRef<ModelRepositoryManager.Command> manager, List<ReplicaView> replicas)
      implements Command {}

  /** A node's answer to a Warm or Release: refused ones are logged (the next decision tries again). */
  private record Answered(String what, ModelRepositoryManager.ControlReply reply, Throwable error) implements Command {}

  /** A replica's shard location was set (error null) or could not be. */
  private record Located(ReplicaId id, String node, Throwable error) implements Command {}

  /** A node's devices and budgets; null when it did not answer. */
  private record PolledNode(ActorRef<ModelRepositoryManager.Command> manager, NodeView node) implements Command {}

  private static final Duration POLL = Duration.ofSeconds(1);
  /**
   * How long after its shard's location was set a replica is first placed: the allocation strategy
   * reads locations from Distributed Data, which it sees within its notify interval (0.5 s) locally and
   * within a gossip round (2 s) from another node; placed sooner, the shard would start where the
   * Place came from, and sharding would then have to move it.
   */
  private static final Duration LOCATION_SETTLES = Duration.ofSeconds(2);
  /** How long a new replica's name is held for its node to report it. */
  private static final Duration CONFIRM_WITHIN = Duration.ofSeconds(30);
  private static final Duration ASK = Duration.ofSeconds(3);
  private static final Metric.Counter DECISIONS = Kamon.counter("inferencia.placement.decisions",
      "Replica decisions the placement controller carried out, by action (warm, release, pin, unpin)");
  private static final Gauge UNMET = Kamon.gauge("inferencia.placement.unmet.replicas",
      "Replicas autoscaling wants that no gpu node has room for: the signal to add gpu nodes").withoutTags();

  private final ActorContext<Command> ctx;
  private final ReplicaScaler scaler;
  private Set<ActorRef<ModelRepositoryManager.Command>> managers = Set.of();
  /** Each node's last answers, by its manager. */
  private final Map<ActorRef<ModelRepositoryManager.Command>, List<ReplicaView>> replicas = new LinkedHashMap<>();
  private final Map<ActorRef<ModelRepositoryManager.Command>, NodeView> nodeViews = new HashMap<>();
  private final ReplicaSharding sharding;
  private final ReplicaRoster roster = new ReplicaRoster(CONFIRM_WITHIN);
  /** When each new replica's shard location was set. */
  private final Map<ReplicaId, Long> locatedAt = new HashMap<>();

  private PlacementController(ActorContext<Command> ctx, ReplicaScaler scaler, ReplicaSharding sharding) {
    this.ctx = ctx;
    this.scaler = scaler;
    this.sharding = sharding;
  }

  /** Starts (or joins) the cluster's one controller, on the nodes with the {@code gpu} role. */
  public static void init(ActorContext<?> context, Duration upscaleDelay, Duration downscaleDelay, ReplicaSharding sharding) {
    Behavior<Command> controller = Behaviors.supervise(create(upscaleDelay, downscaleDelay, sharding))
        .onFailure(SupervisorStrategy.restart());
    ClusterSingleton.get(context.getSystem()).init(SingletonActor.of(controller, "placement-controller")
        .withSettings(ClusterSingletonSettings.create(context.getSystem()).withRole("gpu")));
  }

  static Behavior<Command> create(Duration upscaleDelay, Duration downscaleDelay, ReplicaSharding sharding) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(InferenceCore.MANAGERS,
          ctx.messageAdapter(Receptionist.Listing.class, Listed::new)));
      timers.startTimerWithFixedDelay(Tick.INSTANCE, POLL);
      ctx.getLog().info("Placement controller started (upscale delay {}, downscale delay {})", upscaleDelay, downscaleDelay);
      return new PlacementController(ctx, new ReplicaScaler(upscaleDelay, downscaleDelay), sharding).running();
    }));
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Listed.class, m -> {
          managers = m.listing().getServiceInstances(InferenceCore.MANAGERS);
          replicas.keySet().retainAll(managers);
          nodeViews.keySet().retainAll(managers);
          return Behaviors.same();
        })
        .onMessage(PolledReplicas.class, m -> {
          if (managers.contains(m.manager()) && m.replicas() != null) replicas.put(m.manager(), m.replicas());
          else replicas.remove(m.manager());
          return Behaviors.same();
        })
        .onMessage(PolledNode.class, m -> {
          if (managers.contains(m.manager()) && m.node() != null) nodeViews.put(m.manager(), m.node());
          else nodeViews.remove(m.manager());
          return Behaviors.same();
        })
        .onMessage(Answered.class, m -> {
          if (m.reply() instanceof ModelRepositoryManager.Refused refused)
            ctx.getLog().warn("Placement: {} refused: {}", m.what(), refused.failure().message());
          else if (m.error() != null) ctx.getLog().warn("Placement: {} not answered: {}", m.what(), m.error().toString());
          return Behaviors.same();
        })
        .onMessage(Located.class, m -> {
          if (m.error() == null) locatedAt.put(m.id(), System.nanoTime());
          else ctx.getLog().warn("Placement: replica {} could not be located on {}: {}", m.id(), m.node(), m.error().toString());
          return Behaviors.same();
        })
        .onMessage(Tick.class, m -> {
          decide();
          placeReplicas();
          managers.forEach(this::poll);
          return Behaviors.same();
        })
        .build();
  }

  private void poll(ActorRef<ModelRepositoryManager.Command> manager) {
    ctx.ask(ModelRepositoryManager.PlacementReply.class, manager, ASK, ModelRepositoryManager.GetPlacement::new,
        (placement, error) -> new PolledReplicas(manager, placement == null ? null : placement.replicas()));
    ctx.ask(ModelRepositoryManager.NodeReply.class, manager, ASK, ModelRepositoryManager.GetNode::new,
        (node, error) -> new PolledNode(manager, node == null ? null : node.node()));
  }

  private void decide() {
    Map<String, ActorRef<ModelRepositoryManager.Command>> byNode = new HashMap<>();
    List<ReplicaScaler.Node> nodes = new ArrayList<>();
    Map<String, ReplicaScaler.Version> versions = new LinkedHashMap<>();
    for (var e : replicas.entrySet()) {
      NodeView node = nodeViews.get(e.getKey());
      if (node == null) continue;
      byNode.put(node.node(), e.getKey());
      nodes.add(new ReplicaScaler.Node(node.node(), NodeViews.free(node)));
      for (ReplicaView r : e.getValue()) {
        String key = r.model() + "/" + r.version();
        ReplicaScaler.Version v = versions.computeIfAbsent(key,
            k -> new ReplicaScaler.Version(r.model(), r.version(), r.scaling(), new ArrayList<>()));
        boolean ready = r.state().equals("READY");
        if (ready || r.state().equals("LOADING"))
          v.copies().add(new ReplicaScaler.Copy(r.node(), ready, r.avgInFlight() + r.pendingRequests(), r.footprintBytes()));
      }
    }
    if (nodes.isEmpty()) return;
    for (ReplicaScaler.Action action : scaler.decide(System.nanoTime(), List.copyOf(versions.values()), nodes))
      carryOut(action, byNode);
    UNMET.update(scaler.unmet());
  }

  /**
   * Names the copies no replica entity owns yet and places each entity on its copy's node: the shard's
   * location first, then (once the location settled) the entity's Place, sent again until the node
   * reports the copy as the entity's.
   */
  private void placeReplicas() {
    List<ReplicaRoster.Copy> copies = new ArrayList<>();
    replicas.values().forEach(views -> views.forEach(r -> {
      if (r.state().equals("READY") || r.state().equals("LOADING"))
        copies.add(new ReplicaRoster.Copy(r.node(), r.model(), r.version(), r.replica()));
    }));
    long now = System.nanoTime();
    List<ReplicaRoster.Placement> placements = roster.update(now, copies);
    Set<ReplicaId> open = new java.util.HashSet<>();
    for (ReplicaRoster.Placement p : placements) {
      open.add(p.id());
      if (p.fresh()) {
        locatedAt.remove(p.id());
        ctx.getLog().info("Placement: replica {} on {}", p.id(), p.node());
        ctx.pipeToSelf(sharding.locate(p.id().toString(), p.node()), (done, error) -> new Located(p.id(), p.node(), error));
        DECISIONS.withTag("action", "place").increment();
      } else {
        Long at = locatedAt.get(p.id());
        if (at != null && now - at >= LOCATION_SETTLES.toNanos()) sharding.ref(p.id().toString()).tell(new ModelReplica.Place(p.node()));
      }
    }
    locatedAt.keySet().retainAll(open);
  }

  /** The replica entity that owns {@code node}'s copy of the version, or null. */
  private String ownerOf(String node, String model, String version) {
    for (List<ReplicaView> views : replicas.values())
      for (ReplicaView r : views)
        if (r.node().equals(node) && r.model().equals(model) && r.version().equals(version) && !r.replica().isEmpty())
          return r.replica();
    return null;
  }

  private void carryOut(ReplicaScaler.Action action, Map<String, ActorRef<ModelRepositoryManager.Command>> byNode) {
    String owner = action instanceof ReplicaScaler.Release r ? ownerOf(r.node(), r.model(), r.version()) : null;
    if (action instanceof ReplicaScaler.Warm w && byNode.containsKey(w.node())) {
      ctx.getLog().info("Placement: a replica more of '{}' version {}, on {}", w.model(), w.version(), w.node());
      String what = "warming '" + w.model() + "' version " + w.version() + " on " + w.node();
      ctx.ask(ModelRepositoryManager.ControlReply.class, byNode.get(w.node()), ASK,
          r -> new ModelRepositoryManager.Warm(w.model(), w.version(), r), (reply, error) -> new Answered(what, reply, error));
      DECISIONS.withTag("action", "warm").increment();
    } else if (action instanceof ReplicaScaler.Release r && owner != null) {
      ctx.getLog().info("Placement: a replica fewer of '{}' version {}: {} retires, off {}", r.model(), r.version(), owner, r.node());
      sharding.ref(owner).tell(new ModelReplica.Retire("autoscaling needs fewer replicas"));
      DECISIONS.withTag("action", "release").increment();
    } else if (action instanceof ReplicaScaler.Release r && byNode.containsKey(r.node())) {
      ctx.getLog().info("Placement: a replica fewer of '{}' version {}, off {}", r.model(), r.version(), r.node());
      String what = "releasing '" + r.model() + "' version " + r.version() + " off " + r.node();
      ctx.ask(ModelRepositoryManager.ControlReply.class, byNode.get(r.node()), ASK,
          ref -> new ModelRepositoryManager.Release(r.model(), r.version(), ref), (reply, error) -> new Answered(what, reply, error));
      DECISIONS.withTag("action", "release").increment();
    } else if (action instanceof ReplicaScaler.Pin p && byNode.containsKey(p.node())) {
      byNode.get(p.node()).tell(new ModelRepositoryManager.Pin(p.model(), p.version(), p.pinned()));
      DECISIONS.withTag("action", p.pinned() ? "pin" : "unpin").increment();
    }
  }

}

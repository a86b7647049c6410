package io.inferencia.gpu.cluster;

import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.actors.ModelRepositoryManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.inferencia.protocols.placement.ReplicaView;
import kamon.Kamon;
import kamon.metric.Gauge;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Keeps {@link GpuNodes} current: the repository managers the receptionist lists, less the nodes the
 * failure detector finds unreachable or that left. A node lost here has its in-flight calls re-sent
 * at once, seconds before the receptionist would drop it.
 */
public final class GpuNodeWatcher {
  public sealed interface Event {}

  private record Listed(Receptionist.Listing listing) implements Event {}

  private record Reachability(ClusterEvent.ReachabilityEvent event) implements Event {}

  private record Membership(ClusterEvent.MemberEvent event) implements Event {}

  /** A registered manager's answer to "are your models loaded?" (false also when it did not answer). */
  private record Checked(GpuNode node, boolean ready) implements Event {}

  private record Recheck(GpuNode node) implements Event {}

  /** Time to ask every node which versions it serves. */
  private enum PollPlacement implements Event { INSTANCE }

  /** A node's replicas; null when it did not answer. */
  private record Placed(GpuNode node, List<ReplicaView> replicas) implements Event {}

  /**
   * How often each gpu node is asked what it serves, so that calls go where their version is loaded.
   * A version loaded since is found by the calls that reach its node meanwhile (they are served there).
   */
  private static final Duration PLACEMENT_POLL = Duration.ofMillis(500);

  /** How often a registered node that is still loading its models is asked again. */
  private static final Duration RECHECK = Duration.ofMillis(500);
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);
  private static final Gauge AVAILABLE = Kamon.gauge("inferencia.cluster.gpu.nodes",
      "gpu nodes this edge sends inference calls to (registered, models loaded, reachable)").withoutTags();

  private final GpuNodes nodes;
  /** The managers the receptionist lists, by node. */
  private final Map<Address, GpuNode> listed = new HashMap<>();
  private final Set<Address> unreachable = new HashSet<>();
  private final Set<Address> draining = new HashSet<>();
  /** Nodes whose managers said their models are loaded: only these take calls. */
  private final Set<GpuNode> ready = new HashSet<>();

  private final RemoteBreakerSettings breakers;

  private GpuNodeWatcher(GpuNodes nodes, RemoteBreakerSettings breakers) {
    this.nodes = nodes;
    this.breakers = breakers;
  }

  public static Behavior<Event> create(GpuNodes nodes, RemoteBreakerSettings breakers) {
    Behavior<Event> watcher = Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(InferenceCore.MANAGERS,
          ctx.messageAdapter(Receptionist.Listing.class, Listed::new)));
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new), ClusterEvent.ReachabilityEvent.class));
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.MemberEvent.class, Membership::new), ClusterEvent.MemberEvent.class));
      return Behaviors.withTimers(timers -> {
        timers.startTimerWithFixedDelay(PollPlacement.INSTANCE, PLACEMENT_POLL);
        return new GpuNodeWatcher(nodes, breakers).watching(ctx, timers);
      });
    });
    return Behaviors.supervise(watcher).onFailure(SupervisorStrategy.restart());
  }

  private Behavior<Event> watching(ActorContext<Event> ctx, TimerScheduler<Event> timers) {
    return Behaviors.receive(Event.class)
        .onMessage(Checked.class, m -> onChecked(ctx, timers, m))
        .onMessage(Recheck.class, m -> {
          check(ctx, m.node());
          return Behaviors.same();
        })
        .onMessage(Listed.class, m -> onListing(ctx, m.listing()))
        .onMessage(PollPlacement.class, m -> {
          listed.values().forEach(node -> askPlacement(ctx, node));
          return Behaviors.same();
        })
        .onMessage(Placed.class, m -> {
          if (m.replicas() != null) m.node().serving(serving(m.replicas()), replicaIds(m.replicas()));
          return Behaviors.same();
        })
        .onMessage(Reachability.class, m -> onReachability(ctx, m.event()))
        .onMessage(Membership.class, m -> onMembership(ctx, m.event()))
        .build();
  }

  private Behavior<Event> onListing(ActorContext<Event> ctx, Receptionist.Listing listing) {
    Map<Address, ActorRef<ModelRepositoryManager.Command>> now = new HashMap<>();
    for (ActorRef<ModelRepositoryManager.Command> manager : listing.getServiceInstances(InferenceCore.MANAGERS))
      now.put(manager.path().address(), manager);
    for (Address gone : new ArrayList<>(listed.keySet()))
      if (!now.containsKey(gone)) lose(ctx, gone, "no longer registered");
    now.forEach((address, manager) -> {
      GpuNode known = listed.get(address);
      if (known == null || !known.manager.equals(manager)) {
        if (known != null) {
          ready.remove(known);
          publish();
          known.markLost();
        }
        // The receptionist lists this node's own manager by a local path (no host and port).
        boolean local = address.hasLocalScope() || address.equals(ctx.getSystem().address());
        GpuNode node = new GpuNode(address, manager, local, breaker(ctx, address));
        listed.put(address, node);
        ctx.getLog().info("gpu node {} registered; it takes calls once its models are loaded", address);
        check(ctx, node);
      }
    });
    publish();
    return Behaviors.same();
  }

  /** The node's own calls are not remote: its breaker never opens. */
  private NodeBreaker breaker(ActorContext<Event> ctx, Address address) {
    boolean local = address.hasLocalScope() || address.equals(ctx.getSystem().address());
    return local ? NodeBreaker.NEVER_OPENS : NodeBreaker.create(ctx.getSystem(), breakers, "gpu node " + address);
  }

  private Behavior<Event> onReachability(ActorContext<Event> ctx, ClusterEvent.ReachabilityEvent event) {
    Address address = event.member().address();
    if (event instanceof ClusterEvent.UnreachableMember) {
      unreachable.add(address);
      GpuNode node = listed.get(address);
      if (node != null) {
        ctx.getLog().warn("gpu node {} is unreachable: its {} in-flight calls go elsewhere", address, node.outstanding());
        // A node that comes back is a fresh target: the calls re-sent from the lost one stay where they went.
        GpuNode fresh = new GpuNode(address, node.manager, node.isLocal(), node.breaker);
        listed.put(address, fresh);
        if (ready.remove(node)) ready.add(fresh);
        publish(); // before the re-sends, so that they choose among the others
        node.markLost();
      }
    } else if (event instanceof ClusterEvent.ReachableMember) {
      unreachable.remove(address);
    }
    publish();
    return Behaviors.same();
  }

  private Behavior<Event> onMembership(ActorContext<Event> ctx, ClusterEvent.MemberEvent event) {
    Address address = event.member().address();
    if (event instanceof ClusterEvent.MemberLeft || event instanceof ClusterEvent.MemberExited) {
      // Leaving in good order: no new calls go there, the ones in flight are still answered.
      draining.add(address);
    } else if (event instanceof ClusterEvent.MemberRemoved || event instanceof ClusterEvent.MemberDowned) {
      lose(ctx, address, "out of the cluster");
      unreachable.remove(address);
      draining.remove(address);
    } else {
      return Behaviors.same();
    }
    publish();
    return Behaviors.same();
  }

  private void check(ActorContext<Event> ctx, GpuNode node) {
    ctx.ask(ModelRepositoryManager.ReadyReply.class, node.manager, CHECK_TIMEOUT, ModelRepositoryManager.GetServerReady::new,
        (reply, error) -> new Checked(node, reply != null && reply.ready()));
  }

  private void askPlacement(ActorContext<Event> ctx, GpuNode node) {
    ctx.ask(ModelRepositoryManager.PlacementReply.class, node.manager, CHECK_TIMEOUT, ModelRepositoryManager.GetPlacement::new,
        (reply, error) -> new Placed(node, reply == null ? null : reply.replicas()));
  }

  /** Its READY versions as {@code model/version}, and their models (a call without a version asks for any). */
  private static Set<String> serving(List<ReplicaView> replicas) {
    Set<String> out = NodeViews.readyVersions(replicas);
    for (ReplicaView r : replicas) if (r.state().equals("READY")) out.add(r.model());
    return out;
  }

  /** The replica entities of its READY versions, by {@code model/version} and by model (the latest version's). */
  private static Map<String, String> replicaIds(List<ReplicaView> replicas) {
    Map<String, String> out = new HashMap<>();
    Map<String, Long> latest = new HashMap<>();
    for (ReplicaView r : replicas) {
      if (!r.state().equals("READY") || r.replica().isEmpty()) continue;
      out.put(r.model() + "/" + r.version(), r.replica());
      long version = Long.parseLong(r.version());
      if (latest.getOrDefault(r.model(), -1L) < version) {
        latest.put(r.model(), version);
        out.put(r.model(), r.replica());
      }
    }
    return out;
  }

  private Behavior<Event> onChecked(ActorContext<Event> ctx, TimerScheduler<Event> timers, Checked m) {
    if (listed.get(m.node().address) != m.node()) return Behaviors.same(); // replaced or gone since
    if (m.ready()) {
      if (ready.add(m.node())) ctx.getLog().info("gpu node {} has its models loaded: it takes calls", m.node().address);
      publish();
    } else {
      timers.startSingleTimer(m.node(), new Recheck(m.node()), RECHECK);
    }
    return Behaviors.same();
  }

  private void lose(ActorContext<Event> ctx, Address address, String why) {
    GpuNode node = listed.remove(address);
    if (node == null) return;
    ready.remove(node);
    ctx.getLog().info("gpu node {} is {}: its {} in-flight calls go elsewhere", address, why, node.outstanding());
    publish(); // before the re-sends, so that they choose among the others
    node.markLost();
  }

  private void publish() {
    List<GpuNode> available = new ArrayList<>();
    for (GpuNode node : listed.values()) 
      if (ready.contains(node) && !unreachable.contains(node.address) && !draining.contains(node.address)) available.add(node);
    nodes.publish(available);
    AVAILABLE.update(available.size());
  }
}

package io.inferencia.gpu.cluster;

import io.inferencia.gpu.actors.InferResult;
import io.inferencia.gpu.actors.ModelRepositoryManager;
import io.inferencia.protocols.CborSerializable;
import io.inferencia.protocols.inference.InferRequest;
import java.time.Duration;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Metric;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One replica of a model version, a sharded entity ({@code ocr_rec/1#0}) in a shard of its own on the
 * gpu nodes. The placement controller decides its node and tells sharding through external shard
 * allocation; the entity then owns that node's copy of the version: placed, it has the node's
 * repository manager load the copy (the manager keeps the memory ledger, the load queue and the
 * lifecycle with its sessions and batchers) and name the entity in its views; retired or moved away by
 * sharding, it gives the copy back (unloaded after answering what it accepted, unless pinned). Edges
 * send a version's calls through the entity refs of its ready replicas, and the entity hands them to the
 * local manager without another serialization.
 */
public final class ModelReplica {
  public static final EntityTypeKey<Command> TYPE = EntityTypeKey.create(Command.class, "ModelReplica");

  public sealed interface Command extends CborSerializable {}

  /** The controller's word that this replica lives on {@code node} (a cluster address): sent until it owns a copy there. */
  public record Place(String node) implements Command {}

  /** One inference call, answered by the local manager straight to {@code replyTo}. */
  public record Infer(InferRequest request, ActorRef<InferResult> replyTo) implements Command {}

  /** Autoscaling wants one replica fewer: give the copy back and stop. */
  public record Retire(String reason) implements Command {}

  /** Sharding's stop message when it moves the shard away or the node leaves: give the copy back and stop. */
  public record HandOff(String reason) implements Command {}

  /** Time to tell the manager again (it may have reloaded the version since). */
  private enum Reassert implements Command { INSTANCE }

  private static final Metric.Counter CALLS = Kamon.counter("inferencia.replica.entity.calls",
      "Inference calls that reached a gpu node through a ModelReplica entity (sent by another node's edge)");

  /** How often a placed replica tells its manager that it owns the copy. */
  static final Duration REASSERT = Duration.ofSeconds(3);

  private final ActorContext<Command> ctx;
  private final ReplicaId id;
  private final ActorRef<ModelRepositoryManager.Command> manager;
  private final String selfAddress;
  private final Counter calls;

  private ModelReplica(ActorContext<Command> ctx, ReplicaId id, ActorRef<ModelRepositoryManager.Command> manager,
      String selfAddress) {
    this.ctx = ctx;
    this.id = id;
    this.manager = manager;
    this.selfAddress = selfAddress;
    this.calls = CALLS.withTag("model", id.model());
  }

  /**
   * @param manager this node's repository manager
   * @param selfAddress this node's cluster address, as the controller names nodes
   */
  public static Behavior<Command> create(String entityId, ActorRef<ModelRepositoryManager.Command> manager,
      String selfAddress) {
    Behavior<Command> replica = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ModelReplica r = new ModelReplica(ctx, ReplicaId.parse(entityId), manager, selfAddress);
      timers.startTimerWithFixedDelay(Reassert.INSTANCE, REASSERT);
      return r.unplaced();
    }));
    return Behaviors.supervise(replica).onFailure(SupervisorStrategy.restart());
  }

  /** Started (by a call, or a Place meant for another node before sharding moved the shard): owns nothing here yet. */
  private Behavior<Command> unplaced() {
    return Behaviors.receive(Command.class)
        .onMessage(Place.class, m -> {
          if (!m.node().equals(selfAddress)) {
            ctx.getLog().debug("Replica {} is placed on {}; it waits here for sharding to move it", id, m.node());
            return Behaviors.same();
          }
          ctx.getLog().info("Replica {} placed on this node", id);
          own();
          return placed();
        })
        .onMessage(Infer.class, this::forward)
        .onMessage(Reassert.class, m -> Behaviors.same())
        .onMessage(Retire.class, m -> Behaviors.stopped())
        .onMessage(HandOff.class, m -> Behaviors.stopped())
        .build();
  }

  /** Owns this node's copy of the version. */
  private Behavior<Command> placed() {
    return Behaviors.receive(Command.class)
        .onMessage(Place.class, m -> {
          own();
          return Behaviors.same();
        })
        .onMessage(Reassert.class, m -> {
          own();
          return Behaviors.same();
        })
        .onMessage(Infer.class, this::forward)
        .onMessage(Retire.class, m -> giveBack(m.reason()))
        .onMessage(HandOff.class, m -> giveBack(m.reason()))
        .build();
  }

  private Behavior<Command> forward(Infer m) {
    calls.increment();
    manager.tell(new ModelRepositoryManager.Infer(m.request(), m.replyTo()));
    return Behaviors.same();
  }

  private void own() {
    manager.tell(new ModelRepositoryManager.Own(id.model(), id.version(), id.toString()));
  }

  private Behavior<Command> giveBack(String reason) {
    ctx.getLog().info("Replica {} leaves this node: {}", id, reason);
    manager.tell(new ModelRepositoryManager.Disown(id.model(), id.version(), id.toString()));
    return Behaviors.stopped();
  }
}

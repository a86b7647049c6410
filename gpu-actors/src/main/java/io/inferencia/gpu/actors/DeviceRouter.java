package io.inferencia.gpu.actors;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One per device: hosts (spawns, watches, drains) the batchers of the model versions placed on that
 * device. Requests do not pass through it: each batcher announces its ref with VersionLoaded and the
 * manager sends to it directly, one hop less per request.
 */
public final class DeviceRouter extends AbstractBehavior<DeviceRouter.Command> {

  /** Local messages only. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Starts (loads) a batcher; it reports VersionLoaded/VersionFailed to the manager. */
  public record StartModel(ModelBatcher.Spec spec) implements Command {}

  /** Drains and stops a batcher; it stops once its sessions are closed, and VersionStopped tells the manager. */
  public record StopModel(VersionKey key) implements Command {}

  private record BatcherStopped(VersionKey key) implements Command {}

  private final Executor blocking;
  private final ActorRef<ModelManager.Command> manager;
  private final Map<VersionKey, ActorRef<ModelBatcher.Command>> batchers = new HashMap<>();

  public static Behavior<Command> create(Executor blocking, ActorRef<ModelManager.Command> manager) {
    return Behaviors.setup(ctx -> new DeviceRouter(ctx, blocking, manager));
  }

  private DeviceRouter(ActorContext<Command> ctx, Executor blocking, ActorRef<ModelManager.Command> manager) {
    super(ctx);
    this.blocking = blocking;
    this.manager = manager;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StartModel.class, this::onStart)
        .onMessage(StopModel.class, this::onStop)
        .onMessage(BatcherStopped.class, this::onStopped)
        .build();
  }

  private Behavior<Command> onStart(StartModel msg) {
    VersionKey key = msg.spec().key();
    ActorRef<ModelBatcher.Command> batcher =
        getContext().spawn(ModelBatcher.create(msg.spec(), blocking, manager), key.actorName());
    getContext().watchWith(batcher, new BatcherStopped(key));
    batchers.put(key, batcher);
    return this;
  }

  private Behavior<Command> onStop(StopModel msg) {
    ActorRef<ModelBatcher.Command> batcher = batchers.get(msg.key());
    if (batcher != null) batcher.tell(ModelBatcher.Drain.INSTANCE);
    return this;
  }

  /** Also covers a batcher that crashed: the manager marks its version unavailable unless it was unloading. */
  private Behavior<Command> onStopped(BatcherStopped msg) {
    batchers.remove(msg.key());
    manager.tell(new ModelManager.VersionStopped(msg.key()));
    return this;
  }
}

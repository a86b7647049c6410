package io.inferencia.gpu.actors;

import io.inferencia.gpu.runtime.Device;
import io.inferencia.protocols.inference.ErrorKind;
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

/** One per device: hosts the batchers of the model versions placed on that device. */
public final class DeviceRouter extends AbstractBehavior<DeviceRouter.Command> {

  /** Local messages only. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Starts (loads) a batcher; it reports VersionLoaded/VersionFailed to the manager. */
  public record StartModel(ModelBatcher.Spec spec) implements Command {}

  /** Drains and stops a batcher; it reports VersionUnloaded when its sessions are closed. */
  public record StopModel(VersionKey key) implements Command {}

  public record RouteInfer(VersionKey key, ModelBatcher.Enqueue enqueue) implements Command {}

  private record BatcherStopped(VersionKey key) implements Command {}

  private final Device device;
  private final Executor blocking;
  private final ActorRef<ModelManager.Command> manager;
  private final Map<VersionKey, ActorRef<ModelBatcher.Command>> batchers = new HashMap<>();

  public static Behavior<Command> create(Device device, Executor blocking, ActorRef<ModelManager.Command> manager) {
    return Behaviors.setup(ctx -> new DeviceRouter(ctx, device, blocking, manager));
  }

  private DeviceRouter(ActorContext<Command> ctx, Device device, Executor blocking, ActorRef<ModelManager.Command> manager) {
    super(ctx);
    this.device = device;
    this.blocking = blocking;
    this.manager = manager;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StartModel.class, this::onStart)
        .onMessage(StopModel.class, this::onStop)
        .onMessage(RouteInfer.class, this::onRoute)
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

  private Behavior<Command> onRoute(RouteInfer msg) {
    ActorRef<ModelBatcher.Command> batcher = batchers.get(msg.key());
    if (batcher != null) batcher.tell(msg.enqueue());
    else msg.enqueue().replyTo().tell(ModelManager.InferReply.failed(ErrorKind.UNAVAILABLE,
        "model '" + msg.key().model() + "' version " + msg.key().version() + " is not loaded on " + device.label()));
    return this;
  }

  /** Also covers a batcher that crashed: the manager marks its version unavailable unless it was unloading. */
  private Behavior<Command> onStopped(BatcherStopped msg) {
    batchers.remove(msg.key());
    manager.tell(new ModelManager.VersionStopped(msg.key()));
    return this;
  }
}

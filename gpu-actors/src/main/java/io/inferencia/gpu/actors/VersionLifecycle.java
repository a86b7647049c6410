package io.inferencia.gpu.actors;

import io.inferencia.gpu.InferenceSettings;
import io.inferencia.gpu.cache.ResponseCache;
import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.gpu.repository.ModelSource;
import io.inferencia.gpu.repository.ModelVersionSource;
import io.inferencia.gpu.runtime.Devices;
import io.inferencia.gpu.sequence.SequencePlan;
import io.inferencia.gpu.sequence.SequenceScheduler;
import io.inferencia.gpu.stats.VersionStatistics;
import io.inferencia.protocols.CborSerializable;
import io.inferencia.protocols.inference.InferenceErrors;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One model version's lifecycle (Triton's {@code ModelLifecycle}): places it on the node's devices,
 * starts what serves it (a dynamic batcher per device, a sequence scheduler in front of them, or a
 * pipeline) and tells its owner one {@link Ready} with the single {@code ActorRef<Enqueue>} requests go
 * to, whatever serves them. LOADING, READY, UNLOADING and FAILED are separate behaviours. The owner is
 * only ever told {@link Event}s, which cross nodes, so it need not live on this node.
 */
public final class VersionLifecycle {
  private VersionLifecycle() {}

  public sealed interface Command {}

  /** Stop serving: what was accepted is still answered, then {@link Unloaded} and the actor stops. */
  public record Unload() implements Command, CborSerializable {}

  private record FromBatcher(ModelBatcher.Event event) implements Command, NoSerializationVerificationNeeded {}

  /** A batcher or pipeline server stopped: drained, failed to load, or out of restarts. */
  private record ServerStopped(ActorRef<?> server) implements Command, NoSerializationVerificationNeeded {}

  private record PipelineCreated(PipelineModel pipeline, String error) implements Command, NoSerializationVerificationNeeded {}

  /** What the lifecycle tells its owner. */
  public sealed interface Event extends CborSerializable {
    VersionKey key();
  }

  /**
   * Serving: requests for the version go to {@code enqueue} (told again with a new ref after a restart).
   *
   * @param note how the placement differs from the config's wish, or empty
   */
  public record Ready(VersionKey key, ActorRef<Enqueue> enqueue, String note) implements Event {}

  /** The version cannot serve (it did not load, or what served it stopped). */
  public record Failed(VersionKey key, String reason) implements Event {}

  /** Unloaded on request; the actor has stopped. */
  public record Unloaded(VersionKey key) implements Event {}

  /**
   * What one version needs to load.
   *
   * @param cache the node's response cache where the config enables it
   * @param pipelines the node's pipeline factories by backend (ensembles under "ensemble")
   */
  public record Spec(VersionKey key, ModelSource source, ModelVersionSource version, Devices devices,
      VersionStatistics statistics, Optional<ResponseCache> cache, PipelineFactory pipeline, PipelineContext pipelineContext,
      InferenceSettings settings, Executor blocking) {}

  /** A lifecycle that comes back after a bug, reloading the version after a backoff. */
  public static Behavior<Command> supervised(Spec spec, ActorRef<Event> owner) {
    InferenceSettings.Supervision s = spec.settings().supervision();
    return Behaviors.supervise(create(spec, owner)).onFailure(SupervisorStrategy
        .restartWithBackoff(s.minBackoff(), s.maxBackoff(), 0.2).withMaxRestarts(s.maxRestarts()));
  }

  public static Behavior<Command> create(Spec spec, ActorRef<Event> owner) {
    return Behaviors.setup(ctx -> new Version(ctx, spec, owner).load());
  }

  /** The state every behaviour shares: what serves the version and what is still alive. */
  private static final class Version {
    private final ActorContext<Command> ctx;
    private final Spec spec;
    private final ActorRef<Event> owner;
    private final ModelConfig config;
    /** Batchers and pipeline servers started and not yet stopped. */
    private final Set<ActorRef<?>> live = new HashSet<>();
    private final List<ActorRef<ModelBatcher.Command>> batchers = new ArrayList<>();
    private ActorRef<SequenceScheduler.Command> sequencer;
    /** Over several devices' batchers; drains them when the version goes. */
    private ActorRef<RoundRobin.Command> roundRobin;
    private ActorRef<PipelineServer.Command> pipeline;
    private ActorRef<Enqueue> front;
    private String note = "";

    Version(ActorContext<Command> ctx, Spec spec, ActorRef<Event> owner) {
      this.ctx = ctx;
      this.spec = spec;
      this.owner = owner;
      this.config = spec.source().config().orElseThrow();
    }

    VersionKey key() {
      return spec.key();
    }

    // ---- LOADING ----

    Behavior<Command> load() {
      if (!spec.version().loadable()) return failed(spec.version().error());
      if (ModelSource.isPipeline(config)) return loadPipeline();
      List<Devices.Placement> placements;
      try {
        placements = spec.devices().place(config);
      } catch (IllegalArgumentException e) {
        return failed(e.getMessage());
      }
      note = String.join("; ", placements.stream().map(Devices.Placement::note).filter(n -> !n.isEmpty()).toList());
      ModelConfig batcherConfig = SequencePlan.applies(config) ? new SequencePlan(config).batcherConfig() : config;
      ActorRef<ModelBatcher.Event> events = ctx.messageAdapter(ModelBatcher.Event.class, FromBatcher::new);
      InferenceSettings settings = spec.settings();
      boolean caching = config.getResponseCache().getEnable();
      for (Devices.Placement placement : placements) {
        var batcherSpec = new ModelBatcher.Spec(key(), batcherConfig, spec.version().modelFile().orElseThrow(),
            placement.device(), placement.instances(), placement.intraOpThreads(),
            settings.section().getBoolean("ort.allow-spinning"), settings.adaptive(),
            settings.section().getBoolean("batching.queue-behind-running"), spec.statistics(),
            caching ? spec.cache() : Optional.empty(), spec.source().labels());
        ctx.getLog().info("Model '{}' version {} on {}: {} instance(s), {} intra-op thread(s) each",
            key().model(), key().version(), placement.device().label(), placement.instances(), placement.intraOpThreads());
        ActorRef<ModelBatcher.Command> batcher =
            ctx.spawnAnonymous(ModelBatcher.create(batcherSpec, spec.blocking(), events));
        watch(batcher);
        batchers.add(batcher);
      }
      ActorRef<Enqueue> toBatchers = batchers.size() == 1 ? batchers.get(0).narrow() : roundRobin();
      front = toBatchers;
      if (SequencePlan.applies(config)) {
        // A bug in the scheduler costs the sequences' state, not the model: it restarts empty.
        sequencer = ctx.spawnAnonymous(Behaviors.supervise(SequenceScheduler.create(new SequencePlan(config), toBatchers,
            settings.sequenceStepTimeout(), spec.statistics())).onFailure(SupervisorStrategy.restart()));
        front = sequencer.narrow();
      }
      return loadingBatchers(batchers.size());
    }

    private ActorRef<Enqueue> roundRobin() {
      roundRobin = ctx.spawnAnonymous(RoundRobin.create(batchers));
      return roundRobin.narrow();
    }

    private Behavior<Command> loadingBatchers(int waiting) {
      return Behaviors.receive(Command.class)
          .onMessage(FromBatcher.class, msg -> onBatcherEvent(msg.event(), waiting))
          .onMessage(ServerStopped.class, msg -> crashed(msg, "its batcher stopped while loading"))
          .onMessage(Unload.class, msg -> unload())
          .build();
    }

    private Behavior<Command> onBatcherEvent(ModelBatcher.Event event, int waiting) {
      if (event instanceof ModelBatcher.LoadFailed f) return fail("failed to load: " + f.reason());
      if (waiting > 1) return loadingBatchers(waiting - 1);
      ctx.getLog().info("Model '{}' version {} is ready", key().model(), key().version());
      return ready();
    }

    private Behavior<Command> loadPipeline() {
      PipelineFactory factory = spec.pipeline();
      if (factory == null)
        return failed("no pipeline is registered for backend '" + config.getBackend() + "'");
      var dir = spec.source().directory();
      PipelineContext context = spec.pipelineContext();
      ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> factory.create(config, dir, context), spec.blocking()),
          (pipeline, error) -> new PipelineCreated(pipeline, error == null ? "" : InferenceErrors.rootMessage(error)));
      return Behaviors.receive(Command.class)
          .onMessage(PipelineCreated.class, this::onPipelineCreated)
          .onMessage(Unload.class, msg -> unload())
          .build();
    }

    private Behavior<Command> onPipelineCreated(PipelineCreated msg) {
      if (!msg.error().isEmpty()) return failed("pipeline could not be created: " + msg.error());
      InferenceSettings.Supervision s = spec.settings().supervision();
      pipeline = ctx.spawnAnonymous(Behaviors.supervise(PipelineServer.create(config, msg.pipeline(), spec.statistics()))
          .onFailure(SupervisorStrategy.restart().withLimit(s.maxRestarts(), s.window())));
      watch(pipeline);
      front = pipeline.narrow();
      return ready();
    }

    // ---- READY ----

    private Behavior<Command> ready() {
      owner.tell(new Ready(key(), front, note));
      return Behaviors.receive(Command.class)
          .onMessage(ServerStopped.class, msg -> crashed(msg, "what served it stopped unexpectedly"))
          .onMessage(Unload.class, msg -> unload())
          .build();
    }

    // ---- UNLOADING ----

    private Behavior<Command> unload() {
      stopServing();
      return unloading();
    }

    private Behavior<Command> unloading() {
      if (live.isEmpty()) {
        owner.tell(new Unloaded(key()));
        return Behaviors.stopped();
      }
      return Behaviors.receive(Command.class)
          .onMessage(ServerStopped.class, msg -> {
            live.remove(msg.server());
            return unloading();
          })
          .onMessage(FromBatcher.class, msg -> Behaviors.same())
          .onMessage(Unload.class, msg -> Behaviors.same())
          .build();
    }

    // ---- FAILED ----

    /**
     * A batcher or pipeline server crashed (or ran out of restarts): the owner stops routing to it, and
     * the lifecycle fails too, so its supervisor reloads the version after a backoff (the other
     * batchers stop with it and close their sessions).
     */
    private Behavior<Command> crashed(ServerStopped msg, String reason) {
      owner.tell(new Failed(key(), reason));
      throw new IllegalStateException("model '" + key().model() + "' version " + key().version() + ": " + reason);
    }

    /** Tells the owner, stops what is left and waits for an Unload. */
    private Behavior<Command> fail(String reason) {
      stopServing();
      return failed(reason);
    }

    private Behavior<Command> failed(String reason) {
      ctx.getLog().warn("Model '{}' version {} is unavailable: {}", key().model(), key().version(), reason);
      owner.tell(new Failed(key(), reason));
      return Behaviors.receive(Command.class)
          .onMessage(ServerStopped.class, msg -> {
            live.remove(msg.server());
            return Behaviors.same();
          })
          .onMessage(FromBatcher.class, msg -> Behaviors.same())
          .onMessage(Unload.class, msg -> unloading())
          .onMessage(PipelineCreated.class, msg -> Behaviors.same())
          .build();
    }

    private void watch(ActorRef<?> server) {
      ctx.watchWith(server, new ServerStopped(server));
      live.add(server);
    }

    /**
     * Batchers drain (serving what they accepted), the scheduler answers its waiting requests. Each stop
     * travels behind the requests already sent, so none of those is refused.
     */
    private void stopServing() {
      if (sequencer != null) sequencer.tell(SequenceScheduler.Stop.INSTANCE);
      if (roundRobin != null) roundRobin.tell(RoundRobin.Drain.INSTANCE);
      else batchers.forEach(b -> b.tell(ModelBatcher.Drain.INSTANCE));
      if (pipeline != null) pipeline.tell(PipelineServer.Stop.INSTANCE);
    }
  }
}

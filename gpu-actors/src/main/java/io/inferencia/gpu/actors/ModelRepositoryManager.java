package io.inferencia.gpu.actors;

import io.inferencia.gpu.InferenceSettings;
import io.inferencia.gpu.cache.ResponseCache;
import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.pipeline.ensemble.EnsembleFactory;
import io.inferencia.gpu.repository.ModelConfigException;
import io.inferencia.gpu.repository.ModelConfigParser;
import io.inferencia.gpu.repository.ModelRepository;
import io.inferencia.gpu.repository.ModelSource;
import io.inferencia.gpu.repository.ModelVersionSource;
import io.inferencia.gpu.runtime.Device;
import io.inferencia.gpu.runtime.Devices;
import io.inferencia.gpu.actors.ModelBooks.ModelEntry;
import io.inferencia.gpu.actors.ModelBooks.VersionEntry;
import io.inferencia.gpu.placement.MemoryLedger;
import io.inferencia.gpu.placement.PlacementMetrics;
import io.inferencia.gpu.placement.PlacementSettings;
import io.inferencia.gpu.placement.ReplicaPolicy;
import io.inferencia.protocols.placement.NodeView;
import io.inferencia.protocols.placement.ReplicaView;
import io.inferencia.protocols.placement.ScalingPolicy;
import io.inferencia.protocols.placement.ScalingUpdate;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import io.inferencia.protocols.CborSerializable;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceErrors;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceFailure;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One per node (Triton's {@code ModelRepositoryManager}): scans the repository, keeps its index, starts
 * a {@link VersionLifecycle} per model version, answers load and unload requests once their versions
 * settled, and routes each request to the {@code ActorRef<Enqueue>} its version's lifecycle announced
 * (the request goes straight there: no hop through the lifecycle). A reload is hitless: the new
 * versions load next to the serving ones and take their requests once ready; the old ones then drain.
 */
public final class ModelRepositoryManager extends AbstractBehavior<ModelRepositoryManager.Command> {

  public sealed interface Command {}

  // ---- requests that may come from another node ----

  public record Infer(InferRequest request, ActorRef<InferResult> replyTo) implements Command, CborSerializable {}

  public record GetIndex(boolean readyOnly, ActorRef<IndexReply> replyTo) implements Command, CborSerializable {}

  /** version empty = the version the policy serves. */
  public record GetMetadata(String model, String version, ActorRef<MetadataReply> replyTo)
      implements Command, CborSerializable {}

  public record GetConfig(String model, String version, ActorRef<ConfigReply> replyTo)
      implements Command, CborSerializable {}

  public record GetModelReady(String model, String version, ActorRef<ReadyReply> replyTo)
      implements Command, CborSerializable {}

  public record GetServerReady(ActorRef<ReadyReply> replyTo) implements Command, CborSerializable {}

  /**
   * Whether start-up is over: the repository scanned and the pinned models' loads ended, whatever their
   * outcome (readiness without strictness). The job worker waits for it before it takes tickets.
   */
  public record GetStarted(ActorRef<ReadyReply> replyTo) implements Command, CborSerializable {}

  /** Statistics of the ready versions: every model when model is empty, every version when version is. */
  public record GetStatistics(String model, String version, ActorRef<StatisticsReply> replyTo)
      implements Command, CborSerializable {}

  /**
   * Loads or reloads a model, re-reading its config; answered once every version settled.
   *
   * @param configText config.pbtxt text to use instead of the file for this load, or empty
   */
  public record Load(String model, String configText, ActorRef<ControlReply> replyTo) implements Command, CborSerializable {
    public Load(String model, ActorRef<ControlReply> replyTo) {
      this(model, "", replyTo);
    }
  }

  public record Unload(String model, ActorRef<ControlReply> replyTo) implements Command, CborSerializable {}

  /**
   * Loads a version that is not loaded, ahead of its requests, as if one had come (another node that
   * served it is draining); answered at once, the load goes on in turn. A version that is loaded,
   * loading or unloaded on request is left as it is.
   */
  public record Warm(String model, String version, ActorRef<ControlReply> replyTo) implements Command, CborSerializable {}

  /**
   * The placement controller's word on whether this node's copy of a version is pinned (kept loaded,
   * never evicted) or evictable, whatever min_replicas says: min_replicas counts replicas in the cluster.
   */
  public record Pin(String model, String version, boolean pinned) implements Command, CborSerializable {}

  /**
   * Autoscaling releases this node's copy: unloaded (its accepted requests are answered first) and
   * back to loading on demand; refused for a pinned copy.
   */
  public record Release(String model, String version, ActorRef<ControlReply> replyTo) implements Command, CborSerializable {}

  /**
   * A {@code ModelReplica} entity placed on this node owns this node's copy of the version: the copy
   * loads if it is not loaded (as {@link Warm}) and the placement views name the entity, so that the
   * edges send its calls through it. Sent again now and then: idempotent.
   */
  public record Own(String model, String version, String replicaId) implements Command, CborSerializable {}

  /**
   * The entity no longer owns the copy (autoscaling retired it, or sharding moved it to another node):
   * the views stop naming it and, unless the copy is pinned, it unloads after answering what it accepted.
   */
  public record Disown(String model, String version, String replicaId) implements Command, CborSerializable {}

  /** Every version on this node as a replica (the admin API's placement). */
  public record GetPlacement(ActorRef<PlacementReply> replyTo) implements Command, CborSerializable {}

  /** This node's devices and their memory budgets. */
  public record GetNode(ActorRef<NodeReply> replyTo) implements Command, CborSerializable {}

  /** Changes a version's scaling policy (version empty: every version of the model). */
  public record Scale(String model, String version, ScalingUpdate update, ActorRef<ScaleReply> replyTo)
      implements Command, CborSerializable {}

  // ---- replies: sealed, the answer or Refused ----

  public record IndexReply(List<ModelIndexEntry> models) implements CborSerializable {}

  public record ReadyReply(boolean ready) implements CborSerializable {}

  public record PlacementReply(List<ReplicaView> replicas) implements CborSerializable {}

  public record NodeReply(NodeView node) implements CborSerializable {}

  public sealed interface ScaleReply extends CborSerializable {}

  /** The policy that now applies. */
  public record Scaled(ScalingPolicy policy) implements ScaleReply {}

  public sealed interface MetadataReply extends CborSerializable {}

  public record Metadata(ModelMetadata metadata) implements MetadataReply {}

  public sealed interface ConfigReply extends CborSerializable {}

  /** The config as protobuf binary: protobuf messages are not Jackson-friendly. */
  public record Config(byte[] config) implements ConfigReply {}

  public sealed interface StatisticsReply extends CborSerializable {}

  public record Statistics(List<ModelStatistics> models) implements StatisticsReply {}

  /** Load or unload outcome. */
  public sealed interface ControlReply extends CborSerializable {}

  /** The load or unload is done. */
  public record Done() implements ControlReply {}

  /** Why a query, load or unload was refused: the one failure reply of every request that has one. */
  public record Refused(InferenceFailure failure)
      implements MetadataReply, ConfigReply, StatisticsReply, ControlReply, ScaleReply {
    static Refused of(ErrorKind kind, String message) {
      return new Refused(new InferenceFailure(kind, message));
    }
  }

  // ---- local notifications ----

  private record FromLifecycle(VersionLifecycle.Event event) implements Command, NoSerializationVerificationNeeded {}

  record LifecycleStopped(VersionKey key, ActorRef<VersionLifecycle.Command> lifecycle)
      implements Command, NoSerializationVerificationNeeded {}

  /** Expires requests that waited too long for a load and retries the load queue (idleness changes with time). */
  enum Tick implements Command, NoSerializationVerificationNeeded { INSTANCE }

  /** Once a second: each ready version's average requests in flight (the load autoscaling reads). */
  enum Sample implements Command, NoSerializationVerificationNeeded { INSTANCE }

  /** The node's resident memory read before a load (on the blocking pool): the load may start. */
  record LoadMayStart(VersionKey key, long resident) implements Command, NoSerializationVerificationNeeded {}

  /** The node's resident memory read after a load: the growth is the version's footprint. */
  record Measured(VersionKey key, long resident) implements Command, NoSerializationVerificationNeeded {}



  /** Device detection loads the ONNX Runtime native library, so it runs with the scan on the blocking pool. */
  private record Scanned(Devices devices, List<ModelSource> sources, String error)
      implements Command, NoSerializationVerificationNeeded {}

  /**
   * @param invalid why the load's config override was refused, or empty
   * @param override whether the load brought its own config
   */
  private record Rescanned(String model, Optional<ModelSource> source, String invalid, boolean override,
      ActorRef<ControlReply> replyTo) implements Command, NoSerializationVerificationNeeded {}


  private final InferenceSettings settings;
  private final ModelRepository repository;
  private final Map<String, PipelineFactory> factories = new HashMap<>();
  private final Executor blocking;
  private final PipelineContext pipelineContext;
  /** One for the node, shared by the models that enable it; empty when its size is 0. */
  private final Optional<ResponseCache> responseCache;
  private final ActorRef<VersionLifecycle.Event> lifecycleEvents;
  private final ModelBooks books;
  private final TimerScheduler<Command> timers;
  private final PlacementSettings placement;
  private final PlacementMetrics metrics;
  private final ReplicaCache cache;

  /**
   * Restarted after a bug in a handler with its books and lifecycles as they were, so the models keep
   * serving; the failed request is not answered and its asker times out.
   */
  public static Behavior<Command> create(InferenceSettings settings, List<PipelineFactory> factories) {
    Optional<ResponseCache> cache = settings.responseCacheBytes() > 0
        ? Optional.of(new ResponseCache(settings.responseCacheBytes()))
        : Optional.empty();
    return Behaviors.setup(outer -> {
      ModelBooks books = new ModelBooks();
      InferenceSettings.Supervision s = settings.supervision();
      PlacementMetrics metrics = new PlacementMetrics();
      return Behaviors.supervise(Behaviors.<Command>setup(ctx -> Behaviors.<Command>withTimers(timers ->
              new ModelRepositoryManager(ctx, timers, settings, factories, cache, books, metrics))))
          .onFailure(SupervisorStrategy.restart().withStopChildren(false).withLimit(s.maxRestarts(), s.window()));
    });
  }

  private ModelRepositoryManager(ActorContext<Command> ctx, TimerScheduler<Command> timers, InferenceSettings settings,
      List<PipelineFactory> factories, Optional<ResponseCache> responseCache, ModelBooks books, PlacementMetrics metrics) {
    super(ctx);
    this.settings = settings;
    this.books = books;
    this.timers = timers;
    this.placement = settings.placement();
    this.metrics = metrics;
    timers.startTimerWithFixedDelay(Sample.INSTANCE, Sample.INSTANCE, Duration.ofSeconds(1));
    this.repository = new ModelRepository(settings.modelRepository());
    this.responseCache = responseCache;
    // Ensembles are Triton's own, not a plug-in: every node serves them.
    this.factories.put(EnsembleFactory.PLATFORM, new EnsembleFactory());
    factories.forEach(f -> this.factories.put(f.backend(), f));
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(InferenceSettings.BLOCKING_DISPATCHER));
    var gateway = new ActorInferenceGateway(ctx.getSelf(), ctx.getSystem().scheduler(), settings.askTimeout());
    this.pipelineContext = new PipelineContext(gateway, blocking, settings.section());
    this.lifecycleEvents = ctx.messageAdapter(VersionLifecycle.Event.class, FromLifecycle::new);
    this.cache = new ReplicaCache(ctx, timers, books, placement, metrics, blocking, lifecycleEvents, this::settle);
    if (!books.scanStarted) {
      books.scanStarted = true;
      ctx.pipeToSelf(CompletableFuture.supplyAsync(this::detectAndScan, blocking), (scanned, error) -> error == null
          ? scanned
          : new Scanned(new Devices(List.of(Device.CPU), 1), List.of(), InferenceErrors.rootMessage(error)));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Infer.class, this::onInfer)
        .onMessage(GetIndex.class, this::onIndex)
        .onMessage(GetMetadata.class, this::onMetadata)
        .onMessage(GetConfig.class, this::onConfig)
        .onMessage(GetModelReady.class, this::onModelReady)
        .onMessage(GetServerReady.class, this::onServerReady)
        .onMessage(GetStarted.class, msg -> {
          msg.replyTo().tell(new ReadyReply(books.serverReady(false)));
          return this;
        })
        .onMessage(GetStatistics.class, this::onStatistics)
        .onMessage(Load.class, this::onLoad)
        .onMessage(Unload.class, this::onUnload)
        .onMessage(Scanned.class, this::onScanned)
        .onMessage(Rescanned.class, this::onRescanned)
        .onMessage(FromLifecycle.class, msg -> onLifecycleEvent(msg.event()))
        .onMessage(LifecycleStopped.class, this::onLifecycleStopped)
        .onMessage(GetPlacement.class, this::onPlacement)
        .onMessage(Warm.class, this::onWarm)
        .onMessage(Pin.class, this::onPin)
        .onMessage(Release.class, this::onRelease)
        .onMessage(Own.class, this::onOwn)
        .onMessage(Disown.class, this::onDisown)
        .onMessage(Sample.class, msg -> {
          cache.sample();
          return this;
        })
        .onMessage(GetNode.class, this::onNode)
        .onMessage(Scale.class, this::onScale)
        .onMessage(Tick.class, msg -> {
          cache.tick();
          return this;
        })
        .onMessage(LoadMayStart.class, msg -> {
          cache.loadMayStart(msg);
          return this;
        })
        .onMessage(Measured.class, msg -> {
          cache.measured(msg);
          return this;
        })
        .build();
  }

  // ---- scanning and starting versions ----

  /** Blocking: runs on the blocking dispatcher. */
  private Scanned detectAndScan() {
    return new Scanned(Devices.detect(settings.section()), repository.scan(), "");
  }

  private Behavior<Command> onScanned(Scanned msg) {
    if (!msg.error().isEmpty()) getContext().getLog().error("Model repository scan failed: {}", msg.error());
    books.devices = msg.devices();
    books.ledger = new MemoryLedger<>(msg.devices().all().stream().map(Device::label).toList(), placement.memoryBudgetBytes());
    for (ModelSource source : msg.sources()) {
      ModelEntry entry = new ModelEntry(source);
      books.models.put(source.name(), entry);
      entry.versions = start(source, false);
    }
    books.scanned = true;
    cache.pump();
    return this;
  }

  /**
   * The books of each version the source serves (none for a source that cannot be served): queued to
   * load when {@code forced} (an explicit load) or pinned (min_replicas of at least 1), otherwise
   * resting until a request comes.
   */
  private TreeMap<Long, VersionEntry> start(ModelSource source, boolean forced) {
    TreeMap<Long, VersionEntry> versions = new TreeMap<>();
    if (!source.servable()) {
      getContext().getLog().warn("Model '{}' is unavailable: {}", source.name(), source.error());
      return versions;
    }
    ModelConfig config = source.config().orElseThrow();
    String note = config.getResponseCache().getEnable() && responseCache.isEmpty()
        ? "response_cache is enabled but the node's cache is off (inference.response-cache.max-bytes = 0)"
        : "";
    PipelineFactory pipeline = ModelSource.isPipeline(config) ? factories.get(ModelSource.pipelineKind(config)) : null;
    for (ModelVersionSource v : source.versions()) {
      VersionEntry entry = new VersionEntry(new VersionKey(source.name(), v.version(), ++books.generations), note);
      entry.spec = new VersionLifecycle.Spec(entry.key, source, v, books.devices, entry.statistics,
          responseCache, pipeline, pipelineContext, settings, blocking);
      entry.fileBytes = v.fileBytes();
      entry.policy = policy(source.name(), v.version(), config);
      entry.devices = pipeline != null ? List.of() : deviceLabels(config);
      books.byKey.put(entry.key, entry);
      versions.put(Long.parseLong(v.version()), entry);
      if (forced || entry.policy.pinned() || !v.loadable()) cache.requestLoad(entry, false);
      else cache.rest(entry, ReplicaCache.ON_DEMAND);
    }
    return versions;
  }

  private ReplicaPolicy policy(String model, String version, ModelConfig config) {
    ReplicaPolicy policy = ReplicaPolicy.of(config, placement);
    ScalingPolicy set = books.scaling.get(model + "/" + version);
    return set == null ? policy : policy.withScaling(set);
  }

  /** Where its sessions go; empty when it cannot be placed (its load then fails and says why). */
  private List<String> deviceLabels(ModelConfig config) {
    try {
      return books.devices.place(config).stream().map(p -> p.device().label()).distinct().toList();
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  /** Versions no longer in the books: unloaded in the background, their late events ignored. */
  private void retire(TreeMap<Long, VersionEntry> versions) {
    for (VersionEntry v : versions.values()) {
      books.byKey.remove(v.key);
      books.loadQueue.remove(v);
      if (v.lifecycle != null) v.lifecycle.tell(new VersionLifecycle.Unload());
      // Asked again once this message is handled: the versions that take over serve them.
      v.waiting.forEach(w -> getContext().getSelf().tell(w.infer()));
      v.waiting.clear();
    }
  }

  // ---- what the lifecycles tell ----

  private Behavior<Command> onLifecycleEvent(VersionLifecycle.Event event) {
    // Memory comes back when a lifecycle unloaded, whether or not its version is still in the books.
    if (event instanceof VersionLifecycle.Unloaded) {
      books.ledger.release(event.key());
      books.loadsInProgress.remove(event.key());
    }
    VersionEntry v = books.byKey.get(event.key());
    if (v == null) {
      cache.pump();
      return this;
    }
    if (event instanceof VersionLifecycle.Ready ready) {
      // Also after a failure: a lifecycle that restarted is ready again.
      if (v.state == ModelState.UNLOADING) return this;
      v.state = ModelState.READY;
      v.enqueue = ready.enqueue();
      v.reason = ReplicaCache.join(ready.note(), v.note);
      if (!v.reason.isEmpty()) getContext().getLog().warn("Model '{}': {}", v.key.model(), v.reason);
      if (books.loadsInProgress.remove(v.key)) cache.loaded(v);
      // A lifecycle that restarted after a failure holds its sessions again: charged again too.
      else if (!books.ledger.charged(v.key)) books.ledger.charge(v.key, v.devices, cache.expected(v));
    } else if (event instanceof VersionLifecycle.Failed failed) {
      if (v.state == ModelState.UNLOADING) return this;
      ReplicaCache.markUnavailable(v, failed.reason());
      if (books.loadsInProgress.remove(v.key)) books.ledger.release(v.key);
      cache.failWaiting(v, ErrorKind.UNAVAILABLE, "model '" + v.key.model() + "' version " + v.key.version()
          + " failed to load: " + failed.reason());
    } else if (event instanceof VersionLifecycle.Unloaded) {
      v.lifecycle = null;
      v.enqueue = null;
      if (v.evicting) cache.evicted(v);
      else {
        v.state = ModelState.UNAVAILABLE;
        v.reason = ModelBooks.UNLOADED;
      }
    }
    settle(v.key.model());
    cache.pump();
    return this;
  }

  /** A lifecycle out of restarts (or stopped after Unloaded, which is then already in the books). */
  private Behavior<Command> onLifecycleStopped(LifecycleStopped msg) {
    VersionEntry v = books.byKey.get(msg.key());
    if (v == null || v.lifecycle != msg.lifecycle()) {
      // A retired version's, or a lifecycle replaced since: its memory is free.
      if (v == null) books.ledger.release(msg.key());
      cache.pump();
      return this;
    }
    v.lifecycle = null;
    v.enqueue = null;
    books.ledger.release(v.key);
    books.loadsInProgress.remove(v.key);
    if (v.evicting) cache.evicted(v);
    else if (v.state == ModelState.UNLOADING) {
      v.state = ModelState.UNAVAILABLE;
      v.reason = ModelBooks.UNLOADED;
    } else {
      ReplicaCache.markUnavailable(v, "its lifecycle stopped unexpectedly");
      cache.failWaiting(v, ErrorKind.UNAVAILABLE, "model '" + v.key.model() + "' version " + v.key.version() + " stopped");
    }
    settle(msg.key().model());
    cache.pump();
    return this;
  }

  /** Answers the model's waiters once nothing they wait for is still loading or unloading. */
  private void settle(String model) {
    ModelEntry entry = books.models.get(model);
    if (entry == null) return;
    if (entry.incoming != null) settleReload(entry);
    else if (!entry.any(ModelState.LOADING)) answerLoad(entry, loadFailure(entry.source, entry.versions));
    if (!entry.any(ModelState.UNLOADING)) {
      entry.unloadWaiters.forEach(w -> w.tell(new Done()));
      entry.unloadWaiters.clear();
    }
  }

  /**
   * A reload's versions all settled: they take over if one is ready (or nothing served before);
   * otherwise they go and the serving versions stay, and the load fails with their reasons.
   */
  private void settleReload(ModelEntry entry) {
    if (entry.incoming.values().stream().anyMatch(v -> v.state == ModelState.LOADING)) return;
    boolean newReady = entry.incoming.values().stream().anyMatch(v -> v.state == ModelState.READY);
    InferenceFailure failure = loadFailure(entry.incomingSource, entry.incoming);
    if (newReady || entry.latestReady().isEmpty()) {
      retire(entry.versions);
      entry.versions = entry.incoming;
      entry.source = entry.incomingSource;
    } else {
      retire(entry.incoming);
      failure = new InferenceFailure(failure.kind(), failure.message() + "; the loaded version keeps serving");
    }
    entry.incoming = null;
    entry.incomingSource = null;
    answerLoad(entry, failure);
  }

  private static void answerLoad(ModelEntry entry, InferenceFailure failure) {
    ControlReply reply = failure == null ? new Done() : new Refused(failure);
    entry.loadWaiters.forEach(w -> w.tell(reply));
    entry.loadWaiters.clear();
  }

  private static InferenceFailure loadFailure(ModelSource source, TreeMap<Long, VersionEntry> versions) {
    if (!source.servable()) return new InferenceFailure(ErrorKind.UNAVAILABLE, source.error());
    if (versions.values().stream().anyMatch(v -> v.state == ModelState.READY)) return null;
    String reasons = String.join("; ", versions.values().stream().map(v -> v.reason).toList());
    return new InferenceFailure(ErrorKind.UNAVAILABLE, "model '" + source.name() + "' failed to load: " + reasons);
  }

  // ---- load and unload ----

  private Behavior<Command> onLoad(Load msg) {
    String model = msg.model();
    String text = msg.configText();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> repository.scanModel(model, override(model, text)), blocking),
        (source, error) -> {
          Throwable cause = error == null ? null : InferenceErrors.unwrap(error);
          if (cause instanceof ModelConfigException invalid)
            return new Rescanned(model, Optional.empty(), invalid.getMessage(), true, msg.replyTo());
          return new Rescanned(model, error == null ? source : Optional.empty(), "", !text.isEmpty(), msg.replyTo());
        });
    return this;
  }

  /** The load's config override, parsed as strictly as a config.pbtxt; empty without one. */
  private static Optional<ModelConfig> override(String model, String text) {
    if (text.isEmpty()) return Optional.empty();
    try {
      return Optional.of(ModelConfigParser.parse(text, model));
    } catch (ModelConfigException e) {
      throw new CompletionException(e);
    }
  }

  private Behavior<Command> onRescanned(Rescanned msg) {
    if (!books.scanned) {
      msg.replyTo().tell(Refused.of(ErrorKind.UNAVAILABLE, ModelBooks.STARTING));
      return this;
    }
    if (!msg.invalid().isEmpty()) {
      msg.replyTo().tell(Refused.of(ErrorKind.INVALID_ARGUMENT, msg.invalid()));
      return this;
    }
    if (msg.source().isEmpty()) {
      msg.replyTo().tell(Refused.of(ErrorKind.NOT_FOUND, "no model '" + msg.model() + "' in the repository"));
      return this;
    }
    ModelSource source = msg.source().get();
    if (msg.override() && !source.servable()) {
      // The client's config parses but cannot be served (no backend, no version): its mistake, and
      // the model serves on as it was.
      msg.replyTo().tell(Refused.of(ErrorKind.INVALID_ARGUMENT, "the load's config cannot be served: " + source.error()));
      return this;
    }
    ModelEntry entry = books.models.computeIfAbsent(msg.model(), m -> new ModelEntry(source));
    entry.loadWaiters.add(msg.replyTo());
    if (entry.incoming != null) retire(entry.incoming);
    boolean serving = !entry.unloadedOnRequest && entry.latestReady().isPresent() && source.servable();
    entry.unloadedOnRequest = false;
    if (serving) {
      entry.incomingSource = source;
      entry.incoming = start(source, true);
    } else {
      entry.incoming = null;
      entry.incomingSource = null;
      retire(entry.versions);
      entry.source = source;
      entry.versions = start(source, true);
    }
    settle(msg.model());
    cache.pump();
    return this;
  }

  private Behavior<Command> onUnload(Unload msg) {
    ModelEntry entry = books.models.get(msg.model());
    if (!books.scanned) {
      msg.replyTo().tell(Refused.of(ErrorKind.UNAVAILABLE, ModelBooks.STARTING));
      return this;
    }
    if (entry == null) {
      msg.replyTo().tell(Refused.of(ErrorKind.NOT_FOUND, "unknown model '" + msg.model() + "'"));
      return this;
    }
    entry.unloadWaiters.add(msg.replyTo());
    entry.unloadedOnRequest = true;
    if (entry.incoming != null) {
      retire(entry.incoming);
      entry.incoming = null;
      entry.incomingSource = null;
      answerLoad(entry, new InferenceFailure(ErrorKind.UNAVAILABLE, "model '" + msg.model() + "' was unloaded while it loaded"));
    }
    for (VersionEntry v : entry.versions.values()) {
      v.enqueue = null;
      books.loadQueue.remove(v);
      v.queued = false;
      v.resting = false;
      cache.failWaiting(v, ErrorKind.UNAVAILABLE, "model '" + msg.model() + "' was unloaded");
      if (v.lifecycle == null) {
        v.state = ModelState.UNAVAILABLE;
        v.reason = ModelBooks.UNLOADED;
        v.evicting = false;
      } else if (!v.evicting) {
        v.state = ModelState.UNLOADING;
        v.lifecycle.tell(new VersionLifecycle.Unload());
      }
      // An eviction under way finishes as an unload on request: the version stays unloaded.
      v.evicting = false;
    }
    settle(msg.model());
    cache.pump();
    return this;
  }

  // ---- inference ----

  /** Straight to what serves the version: the server checks the request against the config. */
  private Behavior<Command> onInfer(Infer msg) {
    InferRequest request = msg.request();
    VersionEntry v;
    try {
      v = books.readyVersion(request.model(), request.version());
    } catch (InferenceException e) {
      VersionEntry loading = books.onDemandTarget(request.model(), request.version());
      if (loading == null) msg.replyTo().tell(InferResult.failed(e));
      else cache.hold(loading, msg);
      return this;
    }
    ReplicaCache.dispatch(v, msg);
    return this;
  }

  // ---- the admin API: placement, the node, scaling ----

  private Behavior<Command> onPlacement(GetPlacement msg) {
    List<ReplicaView> out = new ArrayList<>();
    for (ModelEntry entry : books.models.values()) {
      entry.versions.values().forEach(v -> out.add(cache.view(v)));
      if (entry.incoming != null) entry.incoming.values().forEach(v -> out.add(cache.view(v)));
    }
    msg.replyTo().tell(new PlacementReply(out));
    return this;
  }

  private Behavior<Command> onWarm(Warm msg) {
    VersionEntry v = books.onDemandTarget(msg.model(), msg.version());
    if (v == null) {
      boolean known = books.scanned && books.models.containsKey(msg.model());
      msg.replyTo().tell(known ? new Done() : Refused.of(ErrorKind.NOT_FOUND, "unknown model '" + msg.model() + "'"));
      return this;
    }
    warm(v);
    msg.replyTo().tell(new Done());
    return this;
  }

  private void warm(VersionEntry v) {
    if (!v.resting) return;
    getContext().getLog().info("Warming model '{}' version {} ahead of its requests", v.key.model(), v.key.version());
    v.warming = true;
    cache.requestLoad(v, true);
    cache.pump();
  }

  private Behavior<Command> onOwn(Own msg) {
    VersionEntry v = books.scanned ? books.find(msg.model(), msg.version()) : null;
    if (v == null) {
      // Not scanned yet, or unknown here: the entity says it again shortly.
      if (books.scanned) getContext().getLog().warn("Replica {} placed here, but this node has no model '{}' version {}",
          msg.replicaId(), msg.model(), msg.version());
      return this;
    }
    if (!msg.replicaId().equals(v.replicaId))
      getContext().getLog().info("Model '{}' version {} is replica {} here", v.key.model(), v.key.version(), msg.replicaId());
    v.replicaId = msg.replicaId();
    if (books.onDemandTarget(msg.model(), msg.version()) == v) warm(v);
    return this;
  }

  private Behavior<Command> onDisown(Disown msg) {
    VersionEntry v = books.find(msg.model(), msg.version());
    if (v == null || !msg.replicaId().equals(v.replicaId)) return this;
    v.replicaId = "";
    if (!v.pinned() && v.state == ModelState.READY && v.lifecycle != null) {
      getContext().getLog().info("Releasing model '{}' version {}: replica {} left this node", v.key.model(),
          v.key.version(), msg.replicaId());
      metrics.released(v.key.model());
      cache.unloadToRest(v);
    }
    return this;
  }

  private Behavior<Command> onPin(Pin msg) {
    VersionEntry v = books.find(msg.model(), msg.version());
    if (v == null) return this;
    boolean before = v.pinned();
    v.clusterPinned = msg.pinned();
    if (before != v.pinned())
      getContext().getLog().info("Model '{}' version {} is {} here by the placement controller", v.key.model(),
          v.key.version(), msg.pinned() ? "pinned" : "evictable");
    return this;
  }

  private Behavior<Command> onRelease(Release msg) {
    VersionEntry v = books.find(msg.model(), msg.version());
    if (v == null) {
      msg.replyTo().tell(Refused.of(ErrorKind.NOT_FOUND, "no model '" + msg.model() + "' version " + msg.version()));
    } else if (v.pinned()) {
      msg.replyTo().tell(Refused.of(ErrorKind.PERMISSION_DENIED, "model '" + msg.model() + "' version " + msg.version()
          + " is pinned here"));
    } else {
      if (v.state == ModelState.READY && v.lifecycle != null) {
        getContext().getLog().info("Releasing model '{}' version {}: autoscaling needs fewer replicas", v.key.model(),
            v.key.version());
        metrics.released(v.key.model());
        cache.unloadToRest(v);
      }
      msg.replyTo().tell(new Done());
    }
    return this;
  }

  private Behavior<Command> onNode(GetNode msg) {
    msg.replyTo().tell(new NodeReply(new NodeView(cache.node(), books.ledger.budgets(), books.loadQueue.size(), books.unmetDemand)));
    return this;
  }

  private Behavior<Command> onScale(Scale msg) {
    try {
      ModelEntry entry = books.known(msg.model());
      List<VersionEntry> targets = new ArrayList<>();
      if (msg.version().isEmpty()) {
        targets.addAll(entry.versions.values());
        if (entry.incoming != null) targets.addAll(entry.incoming.values());
      } else {
        targets.add(ModelBooks.versionEntry(entry, msg.version()));
      }
      if (targets.isEmpty())
        throw InferenceException.unavailable("model '" + msg.model() + "' has no version to scale: " + entry.source.error());
      List<ScalingPolicy> next = new ArrayList<>();
      for (VersionEntry v : targets) next.add(v.policy.scaling().with(msg.update()));
      for (int i = 0; i < targets.size(); i++) {
        VersionEntry v = targets.get(i);
        v.policy = v.policy.withScaling(next.get(i));
        books.scaling.put(v.key.model() + "/" + v.key.version(), next.get(i));
        if (v.policy.pinned() && v.resting && !entry.unloadedOnRequest) cache.requestLoad(v, false);
      }
      getContext().getLog().info("Scaling of model '{}' {} set to {}", msg.model(),
          msg.version().isEmpty() ? "(every version)" : "version " + msg.version(), next.get(next.size() - 1));
      msg.replyTo().tell(new Scaled(next.get(next.size() - 1)));
      cache.pump();
    } catch (InferenceException e) {
      msg.replyTo().tell(new Refused(InferenceFailure.of(e)));
    } catch (IllegalArgumentException e) {
      msg.replyTo().tell(Refused.of(ErrorKind.INVALID_ARGUMENT, e.getMessage()));
    }
    return this;
  }

  // ---- queries, answered from the books ----

  private Behavior<Command> onIndex(GetIndex msg) {
    msg.replyTo().tell(new IndexReply(books.index(msg.readyOnly())));
    return this;
  }

  private Behavior<Command> onMetadata(GetMetadata msg) {
    msg.replyTo().tell(answer(() -> new Metadata(books.metadata(msg.model(), msg.version())), Refused::new));
    return this;
  }

  private Behavior<Command> onConfig(GetConfig msg) {
    msg.replyTo().tell(answer(() -> new Config(books.config(msg.model(), msg.version())), Refused::new));
    return this;
  }

  private Behavior<Command> onStatistics(GetStatistics msg) {
    msg.replyTo().tell(answer(() -> new Statistics(books.statistics(msg.model(), msg.version())), Refused::new));
    return this;
  }

  private Behavior<Command> onModelReady(GetModelReady msg) {
    msg.replyTo().tell(new ReadyReply(books.modelReady(msg.model(), msg.version())));
    return this;
  }

  private Behavior<Command> onServerReady(GetServerReady msg) {
    msg.replyTo().tell(new ReadyReply(books.serverReady(settings.strictReadiness())));
    return this;
  }

  /** The answer, or Refused with why the books could not give it. */
  private static <R> R answer(Supplier<R> query, Function<InferenceFailure, R> refused) {
    try {
      return query.get();
    } catch (InferenceException e) {
      return refused.apply(InferenceFailure.of(e));
    }
  }
}

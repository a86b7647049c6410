package io.inferencia.gpu.actors;

import io.inferencia.gpu.InferenceSettings;
import io.inferencia.gpu.batching.RequestValidator;
import io.inferencia.gpu.batching.ValidatedRequest;
import io.inferencia.gpu.cache.ResponseCache;
import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.gpu.pipeline.ensemble.EnsembleFactory;
import io.inferencia.gpu.repository.ModelRepository;
import io.inferencia.gpu.repository.ModelConfigException;
import io.inferencia.gpu.repository.ModelConfigParser;
import io.inferencia.gpu.repository.ModelSource;
import io.inferencia.gpu.sequence.SequencePlan;
import io.inferencia.gpu.sequence.SequenceScheduler;
import io.inferencia.gpu.repository.ModelVersionSource;
import io.inferencia.gpu.runtime.Device;
import io.inferencia.gpu.runtime.Devices;
import io.inferencia.gpu.stats.VersionStatistics;
import io.inferencia.protocols.CborSerializable;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceFailure;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.inference.TensorSpec;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.LongStream;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One per node: scans the repository, loads every model onto its device router (or creates its
 * pipeline), tracks each version's state and routes requests. Repository scans, session creation and
 * pipeline creation all run on the blocking dispatcher; this actor only keeps the books.
 */
public final class ModelManager extends AbstractBehavior<ModelManager.Command> {

  public sealed interface Command {}

  // ---- requests that may come from another node ----

  public record Infer(InferRequest request, ActorRef<InferReply> replyTo) implements Command, CborSerializable {}

  public record GetIndex(boolean readyOnly, ActorRef<IndexReply> replyTo) implements Command, CborSerializable {}

  /** version empty = the version the policy serves. */
  public record GetMetadata(String model, String version, ActorRef<MetadataReply> replyTo)
      implements Command, CborSerializable {}

  public record GetConfig(String model, String version, ActorRef<ConfigReply> replyTo)
      implements Command, CborSerializable {}

  public record GetModelReady(String model, String version, ActorRef<ReadyReply> replyTo)
      implements Command, CborSerializable {}

  public record GetServerReady(ActorRef<ReadyReply> replyTo) implements Command, CborSerializable {}

  /** Statistics of the ready versions: every model when model is empty, every version when version is. */
  public record GetStatistics(String model, String version, ActorRef<StatisticsReply> replyTo)
      implements Command, CborSerializable {}

  /** Loads or reloads a model, re-reading its config; answered once every version settled. */
  /** @param configText config.pbtxt text to use instead of the file for this load, or empty */
  public record Load(String model, String configText, ActorRef<ControlReply> replyTo) implements Command, CborSerializable {
    public Load(String model, ActorRef<ControlReply> replyTo) {
      this(model, "", replyTo);
    }
  }

  public record Unload(String model, ActorRef<ControlReply> replyTo) implements Command, CborSerializable {}

  // ---- replies: exactly one of the value and the failure is set ----

  public record InferReply(InferResponse response, InferenceFailure failure) implements CborSerializable {
    public static InferReply failed(ErrorKind kind, String message) {
      return new InferReply(null, new InferenceFailure(kind, message));
    }
  }

  public record IndexReply(List<ModelIndexEntry> models) implements CborSerializable {}

  public record MetadataReply(ModelMetadata metadata, InferenceFailure failure) implements CborSerializable {}

  /** The config as protobuf binary: protobuf messages are not Jackson-friendly. */
  public record ConfigReply(byte[] config, InferenceFailure failure) implements CborSerializable {}

  public record ReadyReply(boolean ready) implements CborSerializable {}

  public record StatisticsReply(List<ModelStatistics> models, InferenceFailure failure) implements CborSerializable {}

  /** Load or unload outcome: failure is null on success. */
  public record ControlReply(InferenceFailure failure) implements CborSerializable {}

  // ---- local notifications ----

  /** The batcher sends its own ref: requests then go to it directly, not through the device router. */
  record VersionLoaded(VersionKey key, ActorRef<ModelBatcher.Command> batcher)
      implements Command, NoSerializationVerificationNeeded {}

  record VersionFailed(VersionKey key, String reason) implements Command, NoSerializationVerificationNeeded {}

  /** A batcher of the version stopped: unloaded, failed to load, or crashed. */
  record VersionStopped(VersionKey key) implements Command, NoSerializationVerificationNeeded {}

  /** Device detection loads the ONNX Runtime native library, so it runs with the scan on the blocking pool. */
  private record Scanned(Devices devices, List<ModelSource> sources, String error)
      implements Command, NoSerializationVerificationNeeded {}

  /** @param invalid why the load's config override was refused, or empty */
  private record Rescanned(String model, Optional<ModelSource> source, String invalid, ActorRef<ControlReply> replyTo)
      implements Command, NoSerializationVerificationNeeded {}

  private record PipelineReady(VersionKey key, PipelineModel pipeline, String error)
      implements Command, NoSerializationVerificationNeeded {}

  /** The books for one version. */
  private static final class VersionSlot {
    VersionKey key;
    ModelState state;
    String reason;
    /** One batcher per device the version is placed on; requests go round-robin among them. */
    List<Device> devices = List.of();
    final List<ActorRef<ModelBatcher.Command>> batchers = new ArrayList<>();
    int nextBatcher;
    /** Batchers started and not yet stopped. */
    int live;
    PipelineModel pipeline;
    /** For a model with sequence_batching: every request goes through it to the batchers. */
    ActorRef<SequenceScheduler.Command> sequencer;
    /** Fresh on every (re)load, as Triton's are. */
    final VersionStatistics statistics;

    VersionSlot(VersionKey key, ModelState state, String reason) {
      this.key = key;
      this.state = state;
      this.reason = reason;
      this.statistics = new VersionStatistics(key.model(), key.version());
    }
  }

  /** The books for one model directory. */
  private static final class ModelSlot {
    ModelSource source;
    final TreeMap<Long, VersionSlot> versions = new TreeMap<>();
    final List<ActorRef<ControlReply>> loadWaiters = new ArrayList<>();
    final List<ActorRef<ControlReply>> unloadWaiters = new ArrayList<>();

    ModelSlot(ModelSource source) {
      this.source = source;
    }

    Optional<VersionSlot> latestReady() {
      return versions.descendingMap().values().stream().filter(v -> v.state == ModelState.READY).findFirst();
    }

    boolean any(ModelState state) {
      return versions.values().stream().anyMatch(v -> v.state == state);
    }

    /** Unloaded through the repository API: not counted against readiness until loaded again. */
    boolean unloadedOnRequest;

    /** A broken config, or a version that failed to load (a model unloaded on request has not failed). */
    boolean failed() {
      return !unloadedOnRequest && (!source.servable() || any(ModelState.UNAVAILABLE));
    }
  }

  private static final String UNLOADED = "unloaded";
  private static final String STARTING = "the inference server is still scanning its model repository";

  private final InferenceSettings settings;
  private final ModelRepository repository;
  private Devices devices = new Devices(List.of(), 1);
  private final Map<String, PipelineFactory> factories = new HashMap<>();
  private final Executor blocking;
  private final PipelineContext pipelineContext;
  private final Map<Device, ActorRef<DeviceRouter.Command>> routers = new HashMap<>();
  /** One for the node, shared by the models that enable it; empty when its size is 0. */
  private final Optional<ResponseCache> responseCache;
  private final TreeMap<String, ModelSlot> models = new TreeMap<>();
  private boolean scanned;
  private long generations;

  public static Behavior<Command> create(InferenceSettings settings, List<PipelineFactory> factories) {
    return Behaviors.setup(ctx -> new ModelManager(ctx, settings, factories));
  }

  private ModelManager(ActorContext<Command> ctx, InferenceSettings settings, List<PipelineFactory> factories) {
    super(ctx);
    this.settings = settings;
    this.repository = new ModelRepository(settings.modelRepository());
    this.responseCache = settings.responseCacheBytes() > 0
        ? Optional.of(new ResponseCache(settings.responseCacheBytes()))
        : Optional.empty();
    // Ensembles are Triton's own, not a plug-in: every node serves them.
    this.factories.put(EnsembleFactory.PLATFORM, new EnsembleFactory());
    factories.forEach(f -> this.factories.put(f.backend(), f));
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(InferenceSettings.BLOCKING_DISPATCHER));
    var gateway = new ActorInferenceGateway(ctx.getSelf(), ctx.getSystem().scheduler(), settings.askTimeout());
    this.pipelineContext = new PipelineContext(gateway, blocking, settings.section());
    ctx.pipeToSelf(CompletableFuture.supplyAsync(this::detectAndScan, blocking), (scanned, error) -> error == null
        ? scanned
        : new Scanned(new Devices(List.of(Device.CPU), 1), List.of(), ModelBatcher.rootMessage(error)));
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
        .onMessage(GetStatistics.class, this::onStatistics)
        .onMessage(Load.class, this::onLoad)
        .onMessage(Unload.class, this::onUnload)
        .onMessage(Scanned.class, this::onScanned)
        .onMessage(Rescanned.class, this::onRescanned)
        .onMessage(VersionLoaded.class, this::onVersionLoaded)
        .onMessage(VersionFailed.class, this::onVersionFailed)
        .onMessage(VersionStopped.class, this::onVersionStopped)
        .onMessage(PipelineReady.class, this::onPipelineReady)
        .build();
  }

  // ---- loading ----

  /** Blocking: runs on the blocking dispatcher. */
  private Scanned detectAndScan() {
    return new Scanned(Devices.detect(settings.section()), repository.scan(), "");
  }

  private Behavior<Command> onScanned(Scanned msg) {
    if (!msg.error().isEmpty()) getContext().getLog().error("Model repository scan failed: {}", msg.error());
    devices = msg.devices();
    for (Device d : devices.all())
      routers.put(d, getContext().spawn(DeviceRouter.create(blocking, getContext().getSelf()), "device-" + d.label()));
    List<ModelSlot> slots = msg.sources().stream().map(ModelSlot::new).toList();
    for (ModelSlot slot : slots) models.put(slot.source.name(), slot);
    for (ModelSlot slot : slots) start(slot);
    scanned = true;
    return this;
  }

  private void start(ModelSlot slot) {
    models.put(slot.source.name(), slot);
    slot.versions.clear();
    ModelSource source = slot.source;
    if (!source.servable()) {
      getContext().getLog().warn("Model '{}' is unavailable: {}", source.name(), source.error());
      return;
    }
    ModelConfig config = source.config().orElseThrow();
    if (ModelSource.isPipeline(config)) startPipeline(slot, config);
    else for (ModelVersionSource v : source.versions()) startVersion(slot, config, v);
  }

  private void startVersion(ModelSlot slot, ModelConfig config, ModelVersionSource v) {
    VersionKey key = new VersionKey(config.getName(), v.version(), ++generations);
    VersionSlot vs = new VersionSlot(key, ModelState.LOADING, "");
    slot.versions.put(Long.parseLong(v.version()), vs);
    if (!v.loadable()) {
      failVersion(vs, v.error());
      return;
    }
    List<Devices.Placement> placements;
    try {
      placements = devices.place(config);
    } catch (IllegalArgumentException e) {
      failVersion(vs, e.getMessage());
      return;
    }
    vs.devices = placements.stream().map(Devices.Placement::device).toList();
    List<String> notes = new ArrayList<>(placements.stream().map(Devices.Placement::note).filter(n -> !n.isEmpty()).toList());
    boolean caching = config.getResponseCache().getEnable();
    if (caching && responseCache.isEmpty())
      notes.add("response_cache is enabled but the node's cache is off (inference.response-cache.max-bytes = 0)");
    vs.reason = String.join("; ", notes);
    if (!vs.reason.isEmpty()) getContext().getLog().warn("Model '{}': {}", key.model(), vs.reason);
    ModelConfig batcherConfig = config;
    if (SequencePlan.applies(config)) {
      SequencePlan plan = new SequencePlan(config);
      batcherConfig = plan.batcherConfig();
      // A bug in the scheduler costs the sequences' state, not the model: it restarts empty.
      vs.sequencer = getContext().spawnAnonymous(Behaviors.supervise(SequenceScheduler.create(plan, vs.statistics))
          .onFailure(SupervisorStrategy.restart()));
    }
    for (Devices.Placement placement : placements) {
      var spec = new ModelBatcher.Spec(key, batcherConfig, v.modelFile().orElseThrow(), placement.device(),
          placement.instances(), placement.intraOpThreads(),
          settings.section().getBoolean("ort.allow-spinning"), settings.adaptive(),
          settings.section().getBoolean("batching.queue-behind-running"), vs.statistics,
          caching ? responseCache : Optional.empty(), slot.source.labels());
      getContext().getLog().info("Model '{}' version {} on {}: {} instance(s), {} intra-op thread(s) each",
          key.model(), key.version(), placement.device().label(), spec.instances(), spec.intraOpThreads());
      routers.get(placement.device()).tell(new DeviceRouter.StartModel(spec));
      vs.live++;
    }
  }

  private void stopBatchers(VersionSlot vs) {
    if (vs.sequencer != null) {
      vs.sequencer.tell(SequenceScheduler.Stop.INSTANCE);
      vs.sequencer = null;
    }
    for (Device d : vs.devices) routers.get(d).tell(new DeviceRouter.StopModel(vs.key));
  }

  private void startPipeline(ModelSlot slot, ModelConfig config) {
    VersionKey key = new VersionKey(config.getName(), "1", ++generations);
    VersionSlot vs = new VersionSlot(key, ModelState.LOADING, "");
    slot.versions.put(1L, vs);
    PipelineFactory factory = factories.get(ModelSource.pipelineKind(config));
    if (factory == null) {
      failVersion(vs, "no pipeline is registered for backend '" + config.getBackend() + "'");
      return;
    }
    var dir = slot.source.directory();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> factory.create(config, dir, pipelineContext), blocking),
        (pipeline, error) -> error == null
            ? new PipelineReady(key, pipeline, "")
            : new PipelineReady(key, null, ModelBatcher.rootMessage(error)));
  }

  private Behavior<Command> onPipelineReady(PipelineReady msg) {
    findCurrent(msg.key()).ifPresent(vs -> {
      if (msg.error().isEmpty()) {
        vs.pipeline = msg.pipeline();
        vs.state = ModelState.READY;
      } else failVersion(vs, "pipeline could not be created: " + msg.error());
      settled(msg.key().model());
    });
    return this;
  }

  private Behavior<Command> onVersionLoaded(VersionLoaded msg) {
    Optional<VersionSlot> current = findCurrent(msg.key());
    if (current.isEmpty() || current.get().state != ModelState.LOADING) {
      routers.values().forEach(r -> r.tell(new DeviceRouter.StopModel(msg.key())));
      return this;
    }
    VersionSlot vs = current.get();
    vs.batchers.add(msg.batcher());
    if (vs.batchers.size() < vs.devices.size()) return this;
    vs.state = ModelState.READY;
    getContext().getLog().info("Model '{}' version {} is ready on {}", msg.key().model(), msg.key().version(),
        String.join(", ", vs.devices.stream().map(Device::label).toList()));
    settled(msg.key().model());
    return this;
  }

  /** The failed batcher stops itself (VersionStopped follows); the version's others are stopped here. */
  private Behavior<Command> onVersionFailed(VersionFailed msg) {
    findCurrent(msg.key()).ifPresent(vs -> {
      if (vs.state != ModelState.LOADING && vs.state != ModelState.READY) return;
      failVersion(vs, "failed to load: " + msg.reason());
      stopBatchers(vs);
      settled(msg.key().model());
    });
    return this;
  }

  private void failVersion(VersionSlot vs, String reason) {
    vs.state = ModelState.UNAVAILABLE;
    vs.reason = vs.reason == null || vs.reason.isEmpty() ? reason : reason + "; " + vs.reason;
    getContext().getLog().warn("Model '{}' version {} is unavailable: {}", vs.key.model(), vs.key.version(), vs.reason);
  }

  /** Answers load waiters once no version is still loading. */
  private void settled(String model) {
    ModelSlot slot = models.get(model);
    if (slot == null || slot.any(ModelState.LOADING)) return;
    InferenceFailure failure = loadFailure(slot);
    slot.loadWaiters.forEach(w -> w.tell(new ControlReply(failure)));
    slot.loadWaiters.clear();
  }

  private static InferenceFailure loadFailure(ModelSlot slot) {
    if (!slot.source.servable()) return new InferenceFailure(ErrorKind.UNAVAILABLE, slot.source.error());
    if (slot.any(ModelState.READY)) return null;
    String reasons = String.join("; ", slot.versions.values().stream().map(v -> v.reason).toList());
    return new InferenceFailure(ErrorKind.UNAVAILABLE, "model '" + slot.source.name() + "' failed to load: " + reasons);
  }

  private Optional<VersionSlot> findCurrent(VersionKey key) {
    ModelSlot slot = models.get(key.model());
    if (slot == null) return Optional.empty();
    return slot.versions.values().stream().filter(v -> v.key.equals(key)).findFirst();
  }

  // ---- load and unload ----

  private Behavior<Command> onLoad(Load msg) {
    String model = msg.model();
    String text = msg.configText();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> repository.scanModel(model, override(model, text)), blocking),
        (source, error) -> {
          Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : error;
          if (cause instanceof ModelConfigException invalid) return new Rescanned(model, Optional.empty(), invalid.getMessage(), msg.replyTo());
          return new Rescanned(model, error == null ? source : Optional.empty(), "", msg.replyTo());
        });
    return this;
  }

  /** The load's config override, parsed as strictly as a config.pbtxt; empty without one. */
  private static Optional<ModelConfig> override(String model, String text) {
    if (text.isEmpty()) return Optional.empty();
    try {
      return Optional.of(ModelConfigParser.parse(text, model));
    } catch (ModelConfigException e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  private Behavior<Command> onRescanned(Rescanned msg) {
    if (!scanned) {
      msg.replyTo().tell(new ControlReply(new InferenceFailure(ErrorKind.UNAVAILABLE, STARTING)));
      return this;
    }
    if (!msg.invalid().isEmpty()) {
      msg.replyTo().tell(new ControlReply(new InferenceFailure(ErrorKind.INVALID_ARGUMENT, msg.invalid())));
      return this;
    }
    if (msg.source().isEmpty()) {
      msg.replyTo().tell(new ControlReply(new InferenceFailure(ErrorKind.NOT_FOUND,
          "no model '" + msg.model() + "' in the repository")));
      return this;
    }
    ModelSlot slot = models.computeIfAbsent(msg.model(), m -> new ModelSlot(msg.source().get()));
    stopVersions(slot);
    slot.source = msg.source().get();
    slot.unloadedOnRequest = false;
    slot.loadWaiters.add(msg.replyTo());
    start(slot);
    settled(msg.model());
    return this;
  }

  private Behavior<Command> onUnload(Unload msg) {
    ModelSlot slot = models.get(msg.model());
    if (!scanned) {
      msg.replyTo().tell(new ControlReply(new InferenceFailure(ErrorKind.UNAVAILABLE, STARTING)));
      return this;
    }
    if (slot == null) {
      msg.replyTo().tell(new ControlReply(new InferenceFailure(ErrorKind.NOT_FOUND, "unknown model '" + msg.model() + "'")));
      return this;
    }
    slot.unloadWaiters.add(msg.replyTo());
    slot.unloadedOnRequest = true;
    for (VersionSlot vs : slot.versions.values()) {
      if (vs.pipeline != null || vs.devices.isEmpty()) {
        vs.pipeline = null;
        vs.state = ModelState.UNAVAILABLE;
        vs.reason = UNLOADED;
      } else if (vs.state == ModelState.READY || vs.state == ModelState.LOADING) {
        vs.state = ModelState.UNLOADING;
        stopBatchers(vs);
      }
    }
    unloadSettled(slot);
    return this;
  }

  /** Replaced versions drain in the background; their late notifications no longer match. */
  private void stopVersions(ModelSlot slot) {
    for (VersionSlot vs : slot.versions.values())
      if (vs.state != ModelState.UNAVAILABLE) stopBatchers(vs);
  }

  private Behavior<Command> onVersionStopped(VersionStopped msg) {
    findCurrent(msg.key()).ifPresent(vs -> {
      vs.live--;
      if (vs.state == ModelState.UNLOADING) {
        if (vs.live == 0) markUnloaded(msg.key());
      } else if (vs.state == ModelState.READY || vs.state == ModelState.LOADING) {
        failVersion(vs, "its batcher stopped unexpectedly");
        stopBatchers(vs);
        settled(msg.key().model());
      }
    });
    return this;
  }

  private void markUnloaded(VersionKey key) {
    findCurrent(key).filter(vs -> vs.state == ModelState.UNLOADING).ifPresent(vs -> {
      vs.state = ModelState.UNAVAILABLE;
      vs.reason = UNLOADED;
      unloadSettled(models.get(key.model()));
    });
  }

  private void unloadSettled(ModelSlot slot) {
    if (slot.any(ModelState.UNLOADING)) return;
    slot.unloadWaiters.forEach(w -> w.tell(new ControlReply(null)));
    slot.unloadWaiters.clear();
  }

  // ---- inference ----

  private Behavior<Command> onInfer(Infer msg) {
    VersionSlot vs = null;
    try {
      InferRequest request = msg.request();
      ModelSlot slot = servableSlot(request.model());
      vs = readyVersion(slot, request.version());
      ModelConfig config = slot.source.config().orElseThrow();
      ValidatedRequest validated = RequestValidator.validate(config, request);
      InferRequest resolved = request.withVersion(vs.key.version());
      if (vs.pipeline != null && !request.classifications().isEmpty())
        throw InferenceException.invalid("classification is for ONNX models' outputs, not those of pipeline or ensemble '"
            + request.model() + "'");
      if (vs.pipeline != null) inferPipeline(vs, resolved, validated.batchSize(), msg.replyTo());
      else if (vs.sequencer != null) vs.sequencer.tell(new SequenceScheduler.Enqueue(resolved, nextBatcher(vs), msg.replyTo()));
      else nextBatcher(vs).tell(new ModelBatcher.Enqueue(resolved, validated, msg.replyTo()));
    } catch (InferenceException e) {
      // A request that reached a version counts as its failure, as in Triton; an unknown model has no books.
      if (vs != null) vs.statistics.failed(0);
      msg.replyTo().tell(new InferReply(null, InferenceFailure.of(e)));
    }
    return this;
  }

  /**
   * The pipeline answers from its own futures; telling a ref and adding to the thread-safe statistics
   * from a callback touch no actor state.
   */
  private static void inferPipeline(VersionSlot vs, InferRequest request, int items, ActorRef<InferReply> replyTo) {
    PipelineModel pipeline = vs.pipeline;
    VersionStatistics statistics = vs.statistics;
    long start = System.nanoTime();
    CompletableFuture.completedFuture(request)
        .thenCompose(pipeline::infer)
        .whenComplete((response, error) -> {
          long elapsed = System.nanoTime() - start;
          if (error == null) statistics.pipelineSucceeded(items, elapsed);
          else statistics.failed(elapsed);
          replyTo.tell(error == null ? new InferReply(response, null) : new InferReply(null, InferenceFailure.of(error)));
        });
  }

  private ModelSlot knownSlot(String model) {
    if (!scanned) throw InferenceException.unavailable(STARTING);
    ModelSlot slot = models.get(model);
    if (slot == null) throw InferenceException.notFound("unknown model '" + model + "'");
    return slot;
  }

  private ModelSlot servableSlot(String model) {
    ModelSlot slot = knownSlot(model);
    if (!slot.source.servable()) throw InferenceException.unavailable("model '" + model + "' is unavailable: " + slot.source.error());
    return slot;
  }

  private static ActorRef<ModelBatcher.Command> nextBatcher(VersionSlot vs) {
    if (vs.batchers.size() == 1) return vs.batchers.get(0);
    vs.nextBatcher = (vs.nextBatcher + 1) % vs.batchers.size();
    return vs.batchers.get(vs.nextBatcher);
  }

  private VersionSlot readyVersion(ModelSlot slot, String version) {
    String model = slot.source.name();
    if (version.isEmpty())
      return slot.latestReady().orElseThrow(() -> InferenceException.unavailable("model '" + model + "' is not ready" + reasons(slot)));
    VersionSlot vs = versionSlot(slot, version);
    if (vs.state != ModelState.READY)
      throw InferenceException.unavailable("model '" + model + "' version " + version + " is " + vs.state + reasonSuffix(vs.reason));
    return vs;
  }

  private static VersionSlot versionSlot(ModelSlot slot, String version) {
    VersionSlot vs = null;
    if (version.matches("[0-9]{1,18}")) vs = slot.versions.get(Long.parseLong(version));
    if (vs == null) throw InferenceException.notFound("model '" + slot.source.name() + "' has no version " + version);
    return vs;
  }

  private static String reasons(ModelSlot slot) {
    List<String> rs = slot.versions.values().stream().map(v -> v.reason).filter(r -> !r.isEmpty()).toList();
    return rs.isEmpty() ? "" : ": " + String.join("; ", rs);
  }

  private static String reasonSuffix(String reason) {
    return reason.isEmpty() ? "" : ": " + reason;
  }

  // ---- queries ----

  private Behavior<Command> onIndex(GetIndex msg) {
    List<ModelIndexEntry> entries = new ArrayList<>();
    for (ModelSlot slot : models.values()) {
      String name = slot.source.name();
      if (slot.versions.isEmpty())
        entries.add(new ModelIndexEntry(name, "", ModelState.UNAVAILABLE, slot.source.error()));
      slot.versions.forEach((v, vs) -> entries.add(new ModelIndexEntry(name, Long.toString(v), vs.state, vs.reason)));
    }
    msg.replyTo().tell(new IndexReply(msg.readyOnly()
        ? entries.stream().filter(e -> e.state() == ModelState.READY).toList()
        : entries));
    return this;
  }

  private Behavior<Command> onMetadata(GetMetadata msg) {
    try {
      ModelSlot slot = servableSlot(msg.model());
      if (!msg.version().isEmpty()) versionSlot(slot, msg.version());
      msg.replyTo().tell(new MetadataReply(metadata(slot), null));
    } catch (InferenceException e) {
      msg.replyTo().tell(new MetadataReply(null, InferenceFailure.of(e)));
    }
    return this;
  }

  private static ModelMetadata metadata(ModelSlot slot) {
    ModelConfig c = slot.source.config().orElseThrow();
    boolean batched = c.getMaxBatchSize() > 0;
    List<String> versions = slot.versions.entrySet().stream()
        .filter(e -> e.getValue().state == ModelState.READY).map(e -> Long.toString(e.getKey())).toList();
    List<TensorSpec> inputs = c.getInputList().stream()
        .map(i -> spec(i.getName(), i.getDataType().name(), i.getDimsList(), batched)).toList();
    List<TensorSpec> outputs = c.getOutputList().stream()
        .map(o -> spec(o.getName(), o.getDataType().name(), o.getDimsList(), batched)).toList();
    String platform = c.getPlatform().isEmpty() ? c.getBackend() : c.getPlatform();
    return new ModelMetadata(c.getName(), versions, platform, inputs, outputs);
  }

  private static TensorSpec spec(String name, String configType, List<Long> dims, boolean batched) {
    long[] shape = LongStream.concat(batched ? LongStream.of(-1) : LongStream.empty(),
        dims.stream().mapToLong(Long::longValue)).toArray();
    return new TensorSpec(name, DataType.fromConfigName(configType).orElseThrow(), shape);
  }

  private Behavior<Command> onConfig(GetConfig msg) {
    try {
      ModelSlot slot = knownSlot(msg.model());
      if (slot.source.config().isEmpty())
        throw InferenceException.unavailable("model '" + msg.model() + "' has no valid config: " + slot.source.error());
      if (!msg.version().isEmpty()) versionSlot(slot, msg.version());
      msg.replyTo().tell(new ConfigReply(slot.source.config().get().toByteArray(), null));
    } catch (InferenceException e) {
      msg.replyTo().tell(new ConfigReply(null, InferenceFailure.of(e)));
    }
    return this;
  }

  private Behavior<Command> onModelReady(GetModelReady msg) {
    ModelSlot slot = models.get(msg.model());
    boolean ready = slot != null && (msg.version().isEmpty()
        ? slot.latestReady().isPresent()
        : slot.versions.values().stream().anyMatch(v -> v.key.version().equals(msg.version()) && v.state == ModelState.READY));
    msg.replyTo().tell(new ReadyReply(ready));
    return this;
  }

  private Behavior<Command> onStatistics(GetStatistics msg) {
    try {
      List<ModelStatistics> out = new ArrayList<>();
      if (msg.model().isEmpty()) {
        if (!scanned) throw InferenceException.unavailable(STARTING);
        for (ModelSlot slot : models.values()) readyStatistics(slot, out);
      } else {
        ModelSlot slot = knownSlot(msg.model());
        if (msg.version().isEmpty()) {
          readyStatistics(slot, out);
          if (out.isEmpty()) throw InferenceException.unavailable("model '" + msg.model() + "' is not ready" + reasons(slot));
        } else {
          VersionSlot vs = versionSlot(slot, msg.version());
          if (vs.state != ModelState.READY)
            throw InferenceException.unavailable("model '" + msg.model() + "' version " + msg.version() + " is "
                + vs.state + reasonSuffix(vs.reason));
          out.add(vs.statistics.snapshot());
        }
      }
      msg.replyTo().tell(new StatisticsReply(out, null));
    } catch (InferenceException e) {
      msg.replyTo().tell(new StatisticsReply(null, InferenceFailure.of(e)));
    }
    return this;
  }

  /** Triton reports only the versions that are loaded; their books start afresh on every load. */
  private static void readyStatistics(ModelSlot slot, List<ModelStatistics> out) {
    for (VersionSlot vs : slot.versions.values()) if (vs.state == ModelState.READY) out.add(vs.statistics.snapshot());
  }

  private Behavior<Command> onServerReady(GetServerReady msg) {
    boolean loading = models.values().stream().anyMatch(s -> s.any(ModelState.LOADING));
    boolean failed = settings.strictReadiness() && models.values().stream().anyMatch(ModelSlot::failed);
    msg.replyTo().tell(new ReadyReply(scanned && !loading && !failed));
    return this;
  }

}

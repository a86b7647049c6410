package io.inferencia.gpu.actors;

import io.inferencia.gpu.repository.ModelSource;
import io.inferencia.gpu.runtime.Devices;
import io.inferencia.gpu.stats.VersionStatistics;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.inference.TensorSpec;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.gpu.placement.MemoryLedger;
import io.inferencia.gpu.placement.ReplicaPolicy;
import io.inferencia.protocols.placement.ScalingPolicy;
import java.util.HashSet;
import java.util.Set;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The {@link ModelRepositoryManager}'s books: every model directory and version with its state, and
 * the answers the repository gives from them (index, metadata, config, statistics, readiness, which
 * version serves a request). Owned by the actor and touched only from it; kept outside it so that a
 * restart of the actor keeps them.
 */
final class ModelBooks {
  static final String UNLOADED = "unloaded";
  static final String STARTING = "the inference server is still scanning its model repository";

  /** The books for one version. */
  static final class VersionEntry {
    final VersionKey key;
    ModelState state = ModelState.LOADING;
    String reason;
    /** Said of the version whatever its state (the response cache it asks for is off). */
    final String note;
    ActorRef<VersionLifecycle.Command> lifecycle;
    ActorRef<Enqueue> enqueue;
    /** Fresh on every (re)load, as Triton's are. */
    final VersionStatistics statistics;
    /** What its lifecycle is started with, at each (re)load. */
    VersionLifecycle.Spec spec;
    /** Its replica policy (min_replicas and the rest), changed at run time through the admin API. */
    ReplicaPolicy policy;
    /** The devices its sessions go to (labels), what the memory ledger charges. */
    List<String> devices = List.of();
    /** The model file's size: the footprint estimate until one is measured. */
    long fileBytes;
    /** Not loaded, and loads on its next request (min_replicas 0, or evicted). */
    boolean resting;
    /** Unloading to make room for another version. */
    boolean evicting;
    /** The load under way was asked for by a request: it does not hold the node's readiness. */
    boolean onDemand;
    /** Waiting in the node's load queue. */
    boolean queued;
    /** The placement controller's pin (null: the version's own min_replicas decides). */
    Boolean clusterPinned;
    /** The ModelReplica entity that owns this copy ({@code model/version#n}), empty while none does. */
    String replicaId = "";
    /** Requests in flight on average over the last second, and the sample it was computed from. */
    double avgInFlight;
    long sampledBusyNanos;
    long sampledAtNanos;
    /** Asked to load ahead of requests (another node drains): it keeps its turn with nobody waiting. */
    boolean warming;
    /** Loads of this entry so far: each lifecycle gets a fresh actor name. */
    int loads;
    long lastUsedNanos;
    long lastUsedMillis;
    long loadStartNanos;
    /** The node's resident memory when this load began, -1 when unknown. */
    long residentAtStart = -1;
    /** Requests that wait for it to load. */
    final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

    VersionEntry(VersionKey key, String note) {
      this.key = key;
      this.note = note;
      this.reason = note;
      this.statistics = new VersionStatistics(key.model(), key.version());
    }

    /** Kept loaded: never evicted. The controller's pin where it set one, else min_replicas >= 1. */
    boolean pinned() {
      return clusterPinned != null ? clusterPinned : policy.pinned();
    }

    boolean idle(long now) {
      return now - lastUsedNanos >= policy.idleAfter().toNanos() && statistics.inFlight() == 0;
    }
  }

  /** A request held until its version is ready, or until {@code deadlineNanos}. */
  record Waiting(ModelRepositoryManager.Infer infer, long deadlineNanos, boolean clientDeadline) {}

  /** The books for one model directory. */
  static final class ModelEntry {
    ModelSource source;
    /** The versions that serve (or failed to). */
    TreeMap<Long, VersionEntry> versions = new TreeMap<>();
    /** A reload's versions, loading next to the serving ones; null when none. */
    ModelSource incomingSource;
    TreeMap<Long, VersionEntry> incoming;
    final List<ActorRef<ModelRepositoryManager.ControlReply>> loadWaiters = new ArrayList<>();
    final List<ActorRef<ModelRepositoryManager.ControlReply>> unloadWaiters = new ArrayList<>();
    /** Unloaded through the repository API: not counted against readiness until loaded again. */
    boolean unloadedOnRequest;

    ModelEntry(ModelSource source) {
      this.source = source;
    }

    Optional<VersionEntry> latestReady() {
      return versions.descendingMap().values().stream().filter(v -> v.state == ModelState.READY).findFirst();
    }

    boolean any(ModelState state) {
      return versions.values().stream().anyMatch(v -> v.state == state);
    }

    /** A broken config, or a version that failed to load or stopped serving (an unload on request is no failure). */
    boolean failed() {
      return !unloadedOnRequest && (!source.servable()
          || versions.values().stream().anyMatch(v -> v.state == ModelState.UNAVAILABLE && !v.resting && !v.evicting));
    }

    /** Loading for the node's own sake (at start, on an explicit load, for a pinned version): holds readiness. */
    boolean loadingPinned() {
      return versions.values().stream().anyMatch(v -> v.state == ModelState.LOADING && !v.onDemand);
    }
  }

  Devices devices = new Devices(List.of(), 1);
  /** What the replicas take of each device's budget; made with the devices at the scan. */
  MemoryLedger<VersionKey> ledger = new MemoryLedger<>(List.of(), 0);
  /** Versions waiting for their turn to load, in order. */
  final ArrayDeque<VersionEntry> loadQueue = new ArrayDeque<>();
  /** Versions whose load has begun and not yet settled. */
  final Set<VersionKey> loadsInProgress = new HashSet<>();
  /** Footprints measured at a load, by model, version and file size: they outlive unloads. */
  final Map<String, Long> footprints = new HashMap<>();
  /** Scaling policies set through the admin API, by model/version: they outlive reloads. */
  final Map<String, ScalingPolicy> scaling = new HashMap<>();
  /** Queued versions that do not fit even after every evictable replica went. */
  int unmetDemand;
  final TreeMap<String, ModelEntry> models = new TreeMap<>();
  /** The versions in the books (serving or incoming): a retired version's late events find nothing here. */
  final Map<VersionKey, VersionEntry> byKey = new HashMap<>();
  boolean scanStarted;
  boolean scanned;
  long generations;

  // ---- which version serves ----

  ModelEntry known(String model) {
    if (!scanned) throw InferenceException.unavailable(STARTING);
    ModelEntry entry = models.get(model);
    if (entry == null) throw InferenceException.notFound("unknown model '" + model + "'");
    return entry;
  }

  ModelEntry servable(String model) {
    ModelEntry entry = known(model);
    if (!entry.source.servable()) throw InferenceException.unavailable("model '" + model + "' is unavailable: " + entry.source.error());
    return entry;
  }

  /** version empty = the latest ready one. */
  VersionEntry readyVersion(String model, String version) {
    ModelEntry entry = servable(model);
    if (version.isEmpty())
      return entry.latestReady().orElseThrow(() -> InferenceException.unavailable("model '" + model + "' is not ready" + reasons(entry)));
    VersionEntry v = versionEntry(entry, version);
    if (v.state != ModelState.READY)
      throw InferenceException.unavailable("model '" + model + "' version " + version + " is " + v.state + reasonSuffix(v.reason));
    return v;
  }

  /**
   * The version a request for {@code model}/{@code version} (empty: the latest) may wait for: one that
   * is loading, being evicted or resting (on demand). Null when it must fail now: an unknown model or
   * version, one unloaded on request, a failed one.
   */
  VersionEntry onDemandTarget(String model, String version) {
    if (!scanned) return null;
    ModelEntry entry = models.get(model);
    if (entry == null || !entry.source.servable() || entry.unloadedOnRequest || entry.versions.isEmpty()) return null;
    VersionEntry v = version.isEmpty() ? entry.versions.lastEntry().getValue() : find(entry, version);
    if (v == null) return null;
    boolean coming = v.resting || v.evicting || v.state == ModelState.LOADING;
    return coming ? v : null;
  }

  static VersionEntry versionEntry(ModelEntry entry, String version) {
    VersionEntry v = find(entry, version);
    if (v == null) throw InferenceException.notFound("model '" + entry.source.name() + "' has no version " + version);
    return v;
  }

  /** The model's serving version {@code version}, or null. */
  static VersionEntry find(ModelEntry entry, String version) {
    return version.matches("[0-9]{1,18}") ? entry.versions.get(Long.parseLong(version)) : null;
  }

  /** Version {@code version} of {@code model}, or null when either is unknown. */
  VersionEntry find(String model, String version) {
    ModelEntry entry = models.get(model);
    return entry == null ? null : find(entry, version);
  }

  private static String reasons(ModelEntry entry) {
    List<String> rs = entry.versions.values().stream().map(v -> v.reason).filter(r -> !r.isEmpty()).toList();
    return rs.isEmpty() ? "" : ": " + String.join("; ", rs);
  }

  private static String reasonSuffix(String reason) {
    return reason.isEmpty() ? "" : ": " + reason;
  }

  // ---- queries ----

  List<ModelIndexEntry> index(boolean readyOnly) {
    List<ModelIndexEntry> entries = new ArrayList<>();
    for (ModelEntry entry : models.values()) {
      String name = entry.source.name();
      if (entry.versions.isEmpty())
        entries.add(new ModelIndexEntry(name, "", ModelState.UNAVAILABLE, entry.source.error()));
      entry.versions.forEach((v, ve) -> entries.add(new ModelIndexEntry(name, Long.toString(v), ve.state, ve.reason)));
    }
    return readyOnly ? entries.stream().filter(e -> e.state() == ModelState.READY).toList() : List.copyOf(entries);
  }

  ModelMetadata metadata(String model, String version) {
    ModelEntry entry = servable(model);
    if (!version.isEmpty()) versionEntry(entry, version);
    ModelConfig c = entry.source.config().orElseThrow();
    boolean batched = c.getMaxBatchSize() > 0;
    List<String> versions = entry.versions.entrySet().stream()
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

  /** The config that serves, as protobuf binary. */
  byte[] config(String model, String version) {
    ModelEntry entry = known(model);
    if (entry.source.config().isEmpty())
      throw InferenceException.unavailable("model '" + model + "' has no valid config: " + entry.source.error());
    if (!version.isEmpty()) versionEntry(entry, version);
    return entry.source.config().get().toByteArray();
  }

  boolean modelReady(String model, String version) {
    ModelEntry entry = models.get(model);
    return entry != null && (version.isEmpty()
        ? entry.latestReady().isPresent()
        : entry.versions.values().stream().anyMatch(v -> v.key.version().equals(version) && v.state == ModelState.READY));
  }

  /** Triton reports only the versions that are loaded; their books start afresh on every load. */
  List<ModelStatistics> statistics(String model, String version) {
    List<ModelStatistics> out = new ArrayList<>();
    if (model.isEmpty()) {
      if (!scanned) throw InferenceException.unavailable(STARTING);
      for (ModelEntry entry : models.values()) readyStatistics(entry, out);
      return List.copyOf(out);
    }
    ModelEntry entry = known(model);
    if (version.isEmpty()) {
      readyStatistics(entry, out);
      if (out.isEmpty()) throw InferenceException.unavailable("model '" + model + "' is not ready" + reasons(entry));
      return List.copyOf(out);
    }
    VersionEntry v = versionEntry(entry, version);
    if (v.state != ModelState.READY)
      throw InferenceException.unavailable("model '" + model + "' version " + version + " is " + v.state + reasonSuffix(v.reason));
    return List.of(v.statistics.snapshot());
  }

  private static void readyStatistics(ModelEntry entry, List<ModelStatistics> out) {
    for (VersionEntry v : entry.versions.values()) if (v.state == ModelState.READY) out.add(v.statistics.snapshot());
  }

  /**
   * Ready once scanned with nothing loading; strict readiness also needs every model that was not
   * unloaded on request to serve, so a version that stopped serving (a failed load, or what served it
   * stopped for good) takes the node out of its load balancer.
   */
  boolean serverReady(boolean strict) {
    boolean loading = models.values().stream().anyMatch(ModelEntry::loadingPinned);
    boolean failed = strict && models.values().stream().anyMatch(ModelEntry::failed);
    return scanned && !loading && !failed;
  }
}

package io.inferencia.gpu.actors;

import io.inferencia.gpu.actors.ModelBooks.VersionEntry;
import io.inferencia.gpu.actors.ModelBooks.Waiting;
import io.inferencia.gpu.placement.MemoryLedger;
import io.inferencia.gpu.placement.PlacementMetrics;
import io.inferencia.gpu.placement.PlacementSettings;
import io.inferencia.gpu.placement.ResidentMemory;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.placement.ReplicaView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The {@link ModelRepositoryManager}'s placement of its versions: a cache of models in a per-device
 * memory budget, ModelMesh-style. Requests for a version that is coming are held until it is READY
 * (within its load_wait or the client's deadline); loads run in turn and each measures its footprint;
 * when a version does not fit, the least recently used idle replicas that are not pinned are evicted.
 * Runs on the manager's thread, with its context, timers and books; the manager keeps the messages.
 */
final class ReplicaCache {
  static final String ON_DEMAND = "min_replicas is 0: it loads on its next request";
  private static final Duration TICK = Duration.ofMillis(100);

  private final ActorContext<ModelRepositoryManager.Command> ctx;
  private final TimerScheduler<ModelRepositoryManager.Command> timers;
  private final ModelBooks books;
  private final PlacementSettings placement;
  private final PlacementMetrics metrics;
  private final Executor blocking;
  private final ActorRef<VersionLifecycle.Event> lifecycleEvents;
  /** The manager's: answers a model's load and unload waiters once its versions settled. */
  private final Consumer<String> settle;

  ReplicaCache(ActorContext<ModelRepositoryManager.Command> ctx, TimerScheduler<ModelRepositoryManager.Command> timers,
      ModelBooks books, PlacementSettings placement, PlacementMetrics metrics, Executor blocking,
      ActorRef<VersionLifecycle.Event> lifecycleEvents, Consumer<String> settle) {
    this.ctx = ctx;
    this.timers = timers;
    this.books = books;
    this.placement = placement;
    this.metrics = metrics;
    this.blocking = blocking;
    this.lifecycleEvents = lifecycleEvents;
    this.settle = settle;
  }

  static void markUnavailable(VersionEntry v, String reason) {
    v.warming = false;
    v.state = ModelState.UNAVAILABLE;
    v.enqueue = null;
    v.reason = join(reason, v.note);
  }

  static String join(String a, String b) {
    if (a.isEmpty()) return b;
    return b.isEmpty() ? a : a + "; " + b;
  }

  static void dispatch(VersionEntry v, ModelRepositoryManager.Infer msg) {
    v.lastUsedNanos = System.nanoTime();
    v.lastUsedMillis = System.currentTimeMillis();
    v.statistics.accepted();
    v.enqueue.tell(new Enqueue(msg.request().withVersion(v.key.version()), msg.replyTo()));
  }

  // ---- placement: loads on demand, in turn, within the memory budget ----

  /** Holds a request until its version is ready, within its load_wait (or the client's shorter deadline). */
  void hold(VersionEntry v, ModelRepositoryManager.Infer msg) {
    long now = System.nanoTime();
    long wait = v.policy.loadWait().toNanos();
    long client = TimeUnit.MICROSECONDS.toNanos(msg.request().clientTimeoutMicros());
    boolean clientFirst = client > 0 && client < wait;
    v.waiting.add(new Waiting(msg, now + (clientFirst ? client : wait), clientFirst));
    metrics.held(v.key.model());
    if (v.resting) {
      requestLoad(v, true);
      pump();
    }
    tickWhileNeeded();
  }

  void rest(VersionEntry v, String reason) {
    v.warming = false;
    v.state = ModelState.UNAVAILABLE;
    v.reason = join(reason, v.note);
    v.resting = true;
    v.onDemand = false;
    v.enqueue = null;
  }

  void requestLoad(VersionEntry v, boolean onDemand) {
    if (v.queued || books.loadsInProgress.contains(v.key)) return;
    v.state = ModelState.LOADING;
    v.reason = v.note;
    v.resting = false;
    v.onDemand = onDemand;
    v.queued = true;
    books.loadQueue.add(v);
  }

  /** What the version is expected to take on each of its devices. */
  long expected(VersionEntry v) {
    if (v.devices.isEmpty()) return 0;
    if (v.policy.declaredBytes() > 0) return v.policy.declaredBytes();
    // Weights plus ONNX Runtime's arena and scratch: twice the file until a load measured it.
    return books.footprints.getOrDefault(footprintKey(v), 2 * v.fileBytes);
  }

  static String footprintKey(VersionEntry v) {
    return v.key.model() + "/" + v.key.version() + "/" + v.fileBytes;
  }

  /**
   * Starts queued loads while slots are free: the first queued version that fits its devices' budget
   * loads; when none fits, the least recently used idle replicas that are not pinned are evicted to
   * make room for the first one. A pinned version that can never fit fails with the numbers.
   */
  void pump() {
    if (!books.scanned) return;
    int unmet = 0;
    while (books.loadsInProgress.size() < placement.concurrentLoads() && !books.loadQueue.isEmpty()) {
      VersionEntry next = null;
      for (Iterator<VersionEntry> it = books.loadQueue.iterator(); it.hasNext(); ) {
        VersionEntry q = it.next();
        if (!books.ledger.everFits(expected(q))) {
          it.remove();
          tooLarge(q);
        } else if (books.ledger.fits(q.devices, expected(q))) {
          next = q;
          break;
        }
      }
      if (next == null) {
        if (!books.loadQueue.isEmpty() && !makeRoom(books.loadQueue.peekFirst())) unmet = 1;
        break;
      }
      books.loadQueue.remove(next);
      begin(next);
    }
    books.unmetDemand = unmet;
    metrics.queue(books.loadQueue.size(), unmet);
    metrics.devices(books.ledger.budgets());
    metrics.replicas(replicaCounts());
    tickWhileNeeded();
  }

  void tooLarge(VersionEntry v) {
    v.queued = false;
    String why = "it needs " + expected(v) + " bytes on each of " + v.devices + ", more than the memory budget of "
        + books.ledger.budget() + " bytes per device (INFERENCE_MEMORY_BUDGET)";
    markUnavailable(v, why);
    failWaiting(v, ErrorKind.UNAVAILABLE, "model '" + v.key.model() + "' version " + v.key.version() + " cannot load: " + why);
    settle.accept(v.key.model());
  }

  /** Evicts what makes room for {@code v}; false when even every evictable replica would not. */
  boolean makeRoom(VersionEntry v) {
    long now = System.nanoTime();
    List<MemoryLedger.Candidate<VersionKey>> candidates = new ArrayList<>();
    List<VersionKey> freeing = new ArrayList<>();
    for (VersionEntry e : books.byKey.values()) {
      if (e.evicting) freeing.add(e.key);
      else if (e.state == ModelState.READY && e.lifecycle != null && !e.devices.isEmpty())
        candidates.add(new MemoryLedger.Candidate<>(e.key, e.devices, e.lastUsedNanos, !e.pinned() && e.idle(now)));
    }
    Optional<List<VersionKey>> plan = books.ledger.makeRoom(v.devices, expected(v), candidates, freeing);
    plan.ifPresent(keys -> keys.forEach(k -> evict(books.byKey.get(k), v)));
    return plan.isPresent();
  }

  void evict(VersionEntry v, VersionEntry forWhom) {
    ctx.getLog().info("Evicting model '{}' version {} (idle) to make room for '{}' version {}",
        v.key.model(), v.key.version(), forWhom.key.model(), forWhom.key.version());
    unloadToRest(v);
  }

  /**
   * Unloads a serving version as an eviction does: what it accepted is answered, then it rests and
   * loads again on its next request (eviction to make room, or a release by autoscaling).
   */
  void unloadToRest(VersionEntry v) {
    v.evicting = true;
    v.state = ModelState.UNLOADING;
    v.enqueue = null;
    v.lifecycle.tell(new VersionLifecycle.Unload());
  }

  void evicted(VersionEntry v) {
    v.evicting = false;
    metrics.evicted(v.key.model());
    rest(v, "evicted to make room for another model: it loads on its next request");
    if (!v.waiting.isEmpty()) requestLoad(v, true);
  }

  void begin(VersionEntry v) {
    v.queued = false;
    books.ledger.charge(v.key, v.devices, expected(v));
    books.loadsInProgress.add(v.key);
    v.loadStartNanos = System.nanoTime();
    VersionKey key = v.key;
    ctx.pipeToSelf(CompletableFuture.supplyAsync(ResidentMemory::bytes, blocking),
        (resident, error) -> new ModelRepositoryManager.LoadMayStart(key, resident == null ? -1 : resident));
  }

  void loadMayStart(ModelRepositoryManager.LoadMayStart msg) {
    VersionEntry v = books.byKey.get(msg.key());
    if (v == null || v.state != ModelState.LOADING || v.lifecycle != null) {
      // Unloaded or replaced while its turn came.
      books.ledger.release(msg.key());
      books.loadsInProgress.remove(msg.key());
      pump();
      return;
    }
    v.residentAtStart = msg.resident();
    v.loads++;
    v.lifecycle = ctx.spawn(VersionLifecycle.supervised(v.spec, lifecycleEvents), v.key.actorName() + "-l" + v.loads);
    ctx.watchWith(v.lifecycle, new ModelRepositoryManager.LifecycleStopped(v.key, v.lifecycle));
  }

  /** Its first Ready since the load began: the held requests go in, and the footprint is measured. */
  void loaded(VersionEntry v) {
    v.warming = false;
    long took = System.nanoTime() - v.loadStartNanos;
    metrics.loaded(Duration.ofNanos(took));
    v.lastUsedNanos = System.nanoTime();
    if (v.onDemand)
      ctx.getLog().info("Model '{}' version {} loaded on demand in {} ms", v.key.model(), v.key.version(),
          TimeUnit.NANOSECONDS.toMillis(took));
    while (!v.waiting.isEmpty()) dispatch(v, v.waiting.poll().infer());
    if (!v.devices.isEmpty() && v.policy.declaredBytes() == 0 && v.residentAtStart >= 0) {
      VersionKey key = v.key;
      ctx.pipeToSelf(CompletableFuture.supplyAsync(ResidentMemory::bytes, blocking),
          (resident, error) -> new ModelRepositoryManager.Measured(key, resident == null ? -1 : resident));
    }
  }

  /**
   * The growth of resident memory across the load, at least the model file (its weights are in memory
   * whatever else happened meanwhile); kept for the version's later loads.
   */
  void measured(ModelRepositoryManager.Measured msg) {
    VersionEntry v = books.byKey.get(msg.key());
    if (v == null || msg.resident() < 0 || !books.ledger.charged(v.key)) return;
    long bytes = Math.max(v.fileBytes, msg.resident() - v.residentAtStart);
    books.footprints.put(footprintKey(v), bytes);
    books.ledger.charge(v.key, v.devices, bytes);
    metrics.devices(books.ledger.budgets());
  }

  void failWaiting(VersionEntry v, ErrorKind kind, String message) {
    while (!v.waiting.isEmpty())
      v.waiting.poll().infer().replyTo().tell(InferResult.failed(new InferenceException(kind, message)));
  }

  void tickWhileNeeded() {
    boolean needed = !books.loadQueue.isEmpty() || books.byKey.values().stream().anyMatch(v -> !v.waiting.isEmpty());
    if (needed && !timers.isTimerActive(ModelRepositoryManager.Tick.INSTANCE)) timers.startTimerWithFixedDelay(ModelRepositoryManager.Tick.INSTANCE, ModelRepositoryManager.Tick.INSTANCE, TICK);
    else if (!needed) timers.cancel(ModelRepositoryManager.Tick.INSTANCE);
  }

  void tick() {
    long now = System.nanoTime();
    for (VersionEntry v : books.byKey.values()) {
      for (Iterator<Waiting> it = v.waiting.iterator(); it.hasNext(); ) {
        Waiting w = it.next();
        if (w.deadlineNanos() > now) continue;
        it.remove();
        InferenceException e = w.clientDeadline()
            ? new InferenceException(ErrorKind.DEADLINE_EXCEEDED, "the request's deadline passed while model '"
                + v.key.model() + "' version " + v.key.version() + " was loading")
            : InferenceException.unavailable("model '" + v.key.model() + "' version " + v.key.version()
                + " did not become ready within its load_wait (" + v.policy.loadWait().toMillis() + " ms): " + whyNotReady(v));
        w.infer().replyTo().tell(InferResult.failed(e));
      }
    }
    // An on-demand load nobody waits for any more gives up its turn.
    for (Iterator<VersionEntry> it = books.loadQueue.iterator(); it.hasNext(); ) {
      VersionEntry v = it.next();
      if (v.onDemand && v.waiting.isEmpty() && !v.warming) {
        it.remove();
        v.queued = false;
        rest(v, ON_DEMAND);
      }
    }
    pump();
  }

  String whyNotReady(VersionEntry v) {
    if (!v.queued) return "it is still loading";
    if (!books.ledger.fits(v.devices, expected(v)))
      return "it needs " + expected(v) + " bytes on " + v.devices + " and the memory budget (" + books.ledger.budget()
          + " bytes per device) is held by replicas that are pinned (min_replicas >= 1) or busy";
    return "it waits behind " + (books.loadQueue.size() - 1 + books.loadsInProgress.size()) + " other load(s)";
  }

  Map<List<String>, Integer> replicaCounts() {
    Map<List<String>, Integer> counts = new HashMap<>();
    for (VersionEntry v : books.byKey.values())
      counts.merge(List.of(v.key.model(), v.resting ? "IDLE" : v.state.name()), 1, Integer::sum);
    return counts;
  }


  String node() {
    return ctx.getSystem().address().toString();
  }


  ReplicaView view(VersionEntry v) {
    boolean measured = v.policy.declaredBytes() == 0 && books.footprints.containsKey(footprintKey(v));
    return new ReplicaView(v.key.model(), v.key.version(), node(), v.devices, v.state.name(), v.reason,
        v.state == ModelState.READY ? v.statistics.inFlight() : 0, v.state == ModelState.READY ? v.avgInFlight : 0,
        expected(v), measured && !v.devices.isEmpty(), v.lastUsedMillis, v.waiting.size(), v.pinned(), v.policy.scaling(),
        v.replicaId);
  }


  void sample() {
    long now = System.nanoTime();
    for (VersionEntry v : books.byKey.values()) {
      long busy = v.statistics.busyNanos();
      if (v.state == ModelState.READY && v.sampledAtNanos > 0 && now > v.sampledAtNanos)
        v.avgInFlight = (double) (busy - v.sampledBusyNanos) / (now - v.sampledAtNanos);
      else if (v.state != ModelState.READY) v.avgInFlight = 0;
      v.sampledBusyNanos = busy;
      v.sampledAtNanos = now;
    }
  }
}

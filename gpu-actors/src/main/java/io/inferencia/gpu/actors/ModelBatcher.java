package io.inferencia.gpu.actors;

import io.inferencia.protocols.tracing.Tracing;
import kamon.trace.Span;

import io.inferencia.gpu.batching.AdaptiveBatchSizer;
import io.inferencia.gpu.batching.AdaptiveSettings;
import io.inferencia.gpu.batching.BatchDeadlines;
import io.inferencia.gpu.batching.BatchFormer;
import io.inferencia.gpu.batching.BatchPolicy;
import io.inferencia.gpu.batching.InOrderReplies;
import io.inferencia.gpu.batching.Pending;
import io.inferencia.gpu.batching.QueueRules;
import io.inferencia.gpu.batching.RequestValidator;
import io.inferencia.gpu.batching.ValidatedRequest;
import io.inferencia.gpu.cache.ResponseCache;
import io.inferencia.gpu.classification.Classifier;
import io.inferencia.gpu.repository.BatchingMode;
import io.inferencia.gpu.runtime.BatchRunner;
import io.inferencia.gpu.runtime.Device;
import io.inferencia.gpu.runtime.ModelInstance;
import io.inferencia.gpu.runtime.RunFailures;
import io.inferencia.gpu.runtime.SessionLane;
import io.inferencia.gpu.runtime.SessionTuning;
import io.inferencia.gpu.runtime.WarmupSamples;
import io.inferencia.gpu.stats.VersionStatistics;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceErrors;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceFailure;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelInput;
import io.inferencia.protocols.modelconfig.ModelOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The queue and batch formation of one model version on one device. Holds {@code instance_group.count}
 * sessions and runs at most that many batches at once, each on the blocking dispatcher; the actor only
 * forms batches and answers, it never touches ONNX Runtime itself.
 */
public final class ModelBatcher extends AbstractBehavior<ModelBatcher.Command> {

  /** {@link Enqueue} (which may come from another node) and the batcher's own, local messages. */
  public interface Command {}

  /** Local messages only. */
  private sealed interface Local extends Command, NoSerializationVerificationNeeded {}

  /** Stop accepting work, serve what was accepted, close the sessions and stop. */
  public enum Drain implements Local { INSTANCE }

  /** What the batcher tells its owner; the owner turns them into its own commands. */
  public sealed interface Event extends NoSerializationVerificationNeeded {}

  /** The sessions are open and warmed up: the batcher serves from now on. */
  public record Loaded(VersionKey key) implements Event {}

  /** The sessions could not be opened; the batcher stops. */
  public record LoadFailed(VersionKey key, String reason) implements Event {}

  private record Opened(List<ModelInstance> instances) implements Local {}

  private record OpenFailed(String reason) implements Local {}

  /** A lane finished a batch: the requests it ran with their outputs, and those it found already late. */
  private record BatchDone(ModelInstance instance, LaneRun run) implements Local {}

  private record BatchFailed(ModelInstance instance, List<Pending<Caller>> batch, Throwable error) implements Local {}

  /**
   * Who to answer, the request's place in the answer order (preserve_ordering) and its response-cache
   * key (null where the model does not cache).
   */
  private record Caller(ActorRef<InferResult> ref, long seq, ResponseCache.Key cacheKey) {}

  private record LaneRun(List<Pending<Caller>> ran, List<Pending<Caller>> late, BatchRunner.Result result) {}

  private enum Tick implements Local { INSTANCE }

  private enum Closed implements Local { INSTANCE }

  /**
   * What a batcher needs to load and serve one version, and where it records the version's statistics.
   *
   * @param cache the node's response cache where the config enables it for this model
   */
  public record Spec(VersionKey key, ModelConfig config, Path modelFile, Device device, int instances,
      int intraOpThreads, boolean allowSpinning, AdaptiveSettings adaptive, boolean queueBehindRunning,
      VersionStatistics statistics, Optional<ResponseCache> cache, Map<String, List<String>> labels) {}

  private final Spec spec;
  private final Classifier classifier;
  private final Executor blocking;
  private final ActorRef<Event> owner;
  private final BatchPolicy policy;
  private final int[] preferredSizes;
  private final BatchFormer<Caller> former;
  private final boolean preserveOrdering;
  private final InOrderReplies replies = new InOrderReplies();
  private final Optional<AdaptiveBatchSizer> sizer;
  private final BatchRunner runner;
  private final VersionStatistics statistics;
  private final ArrayDeque<ModelInstance> idle = new ArrayDeque<>();
  private final List<ModelInstance> all = new ArrayList<>();
  /** Per session: the lane its batches run in, and how many batches it has running or queued (0-2). */
  private final Map<ModelInstance, SessionLane> lanes = new IdentityHashMap<>();
  private final Map<ModelInstance, Integer> outstanding = new IdentityHashMap<>();
  private int inFlight;
  private boolean loaded;
  private boolean draining;
  private boolean closing;
  /** The pending wake-up and the time it is for (System.nanoTime), or null. */
  private ScheduledFuture<?> wakeup;
  private long wakeupAt;

  public static Behavior<Command> create(Spec spec, Executor blocking, ActorRef<Event> owner) {
    return Behaviors.setup(ctx -> new ModelBatcher(ctx, spec, blocking, owner));
  }

  private ModelBatcher(ActorContext<Command> ctx, Spec spec, Executor blocking, ActorRef<Event> owner) {
    super(ctx);
    this.spec = spec;
    this.blocking = blocking;
    this.owner = owner;
    this.policy = BatchPolicy.of(spec.config());
    this.preferredSizes = policy.preferredSizes();
    this.former = new BatchFormer<>(policy, spec.statistics()::queued);
    this.preserveOrdering = spec.config().getDynamicBatching().getPreserveOrdering();
    this.sizer = policy.mode() == BatchingMode.ADAPTIVE
        ? Optional.of(new AdaptiveBatchSizer(policy.maxBatchSize(), spec.adaptive()))
        : Optional.empty();
    this.runner = new BatchRunner(spec.config());
    this.classifier = new Classifier(spec.labels(), spec.config().getMaxBatchSize() > 0);
    this.statistics = spec.statistics();
    ctx.pipeToSelf(CompletableFuture.supplyAsync(this::openInstances, blocking),
        (instances, error) -> error == null ? new Opened(instances) : new OpenFailed(rootMessage(error)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Enqueue.class, this::onEnqueue)
        .onMessage(Opened.class, this::onOpened)
        .onMessage(OpenFailed.class, this::onOpenFailed)
        .onMessage(BatchDone.class, this::onBatchDone)
        .onMessage(BatchFailed.class, this::onBatchFailed)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onMessageEquals(Closed.INSTANCE, this::onClosed)
        .onSignal(PostStop.class, signal -> {
          cancelWakeup();
          closeWhenStoppedUndrained();
          return this;
        })
        .build();
  }

  /**
   * Blocking: creates the sessions, checks that the model has the tensors the config declares and runs
   * the config's warmup samples on each session.
   */
  private List<ModelInstance> openInstances() {
    List<ModelInstance> opened = new ArrayList<>();
    SessionTuning tuning = SessionTuning.of(spec.config());
    try {
      for (int i = 0; i < spec.instances(); i++)
        opened.add(ModelInstance.open(spec.modelFile(), spec.device(), spec.intraOpThreads(), spec.allowSpinning(), tuning));
      checkTensorNames(opened.get(0));
      warmUp(opened);
      return opened;
    } catch (Exception e) {
      opened.forEach(ModelInstance::close);
      throw new IllegalStateException(rootMessage(e), e);
    }
  }

  private void warmUp(List<ModelInstance> instances) throws IOException {
    if (spec.config().getModelWarmupCount() == 0) return;
    Path modelDirectory = spec.modelFile().getParent().getParent();
    for (WarmupSamples.Sample sample : WarmupSamples.of(spec.config(), modelDirectory))
      for (ModelInstance instance : instances)
        for (int i = 0; i < sample.runs(); i++) {
          try {
            runner.run(instance, List.of(sample.request()), new int[] {sample.batchSize()});
          } catch (Exception e) {
            throw new IllegalStateException("model_warmup '" + sample.name() + "' failed: " + rootMessage(e), e);
          }
        }
  }

  private void checkTensorNames(ModelInstance instance) {
    for (ModelInput in : spec.config().getInputList())
      if (!instance.inputNames().contains(in.getName()))
        throw new IllegalArgumentException("config input '" + in.getName() + "' is not a model input " + instance.inputNames());
    for (ModelOutput out : spec.config().getOutputList())
      if (!instance.outputNames().contains(out.getName()))
        throw new IllegalArgumentException("config output '" + out.getName() + "' is not a model output " + instance.outputNames());
  }

  private Behavior<Command> onOpened(Opened msg) {
    all.addAll(msg.instances());
    idle.addAll(msg.instances());
    for (ModelInstance instance : msg.instances()) {
      lanes.put(instance, new SessionLane(blocking));
      outstanding.put(instance, 0);
    }
    loaded = true;
    if (draining) return closeWhenIdle();
    owner.tell(new Loaded(spec.key()));
    return this;
  }

  private Behavior<Command> onOpenFailed(OpenFailed msg) {
    owner.tell(new LoadFailed(spec.key(), msg.reason()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onEnqueue(Enqueue msg) {
    if (!loaded || draining) {
      statistics.failed(0);
      msg.replyTo().tell(InferResult.failed(ErrorKind.UNAVAILABLE, notServing()));
      return this;
    }
    int level;
    ValidatedRequest validated;
    try {
      validated = RequestValidator.validate(spec.config(), msg.request());
      level = policy.level(msg.request().parameters());
    } catch (InferenceException e) {
      statistics.failed(0);
      msg.replyTo().tell(InferResult.failed(e));
      return this;
    } catch (IllegalArgumentException e) {
      statistics.failed(0);
      msg.replyTo().tell(InferResult.failed(ErrorKind.INVALID_ARGUMENT, e.getMessage()));
      return this;
    }
    ResponseCache.Key cacheKey = null;
    if (spec.cache().isPresent()) {
      long lookup = System.nanoTime();
      cacheKey = ResponseCache.key(spec.key().model(), spec.key().version(), spec.key().generation(), msg.request());
      Optional<List<Tensor>> hit = spec.cache().get().get(cacheKey);
      if (hit.isPresent()) {
        statistics.cacheHit(System.nanoTime() - lookup);
        msg.replyTo().tell(new InferResult.Served(new InferResponse(spec.key().model(), spec.key().version(),
            msg.request().id(), classifier.apply(msg.request(), hit.get()))));
        return this;
      }
      statistics.cacheMiss(System.nanoTime() - lookup);
    }
    QueueRules rules = policy.rules(level);
    if (!former.hasRoom(level)) {
      statistics.failed(0);
      String queue = level == 0 ? "queue" : "priority " + level + " queue";
      msg.replyTo().tell(InferResult.failed(ErrorKind.RESOURCE_EXHAUSTED,
          queue + " of model '" + spec.key().model() + "' is full (" + rules.maxQueueSize() + " requests)"));
      return this;
    }
    long now = System.nanoTime();
    long clientTimeout = msg.request().clientTimeoutMicros();
    long clientDeadline = clientTimeout > 0 ? now + TimeUnit.MICROSECONDS.toNanos(clientTimeout) : Long.MAX_VALUE;
    former.offer(new Pending<>(new Caller(msg.replyTo(), replies.accept(), cacheKey), msg.request(), validated.batchSize(),
        validated.bucket(), now, rules.deadline(now, msg.request().timeoutMicros()), level, clientDeadline));
    dispatch();
    return this;
  }

  private Behavior<Command> onTick() {
    dispatch();
    return draining ? closeWhenIdle() : this;
  }

  /** Rejects late requests, then starts every batch that is ready while an instance is free. */
  private void dispatch() {
    long now = System.nanoTime();
    rejectLate(former.expire(now), now);
    while (!idle.isEmpty()) {
      if (sizer.isPresent() && former.size() > 0) sizer.get().observeBacklog(former.size());
      // Adaptive: with nothing in flight, waiting cannot gather more than the clients already sent.
      // Draining: nothing more will come to fill a batch.
      boolean dispatchNow = draining || (sizer.isPresent() && inFlight == 0);
      var batch = nextBatch(now, dispatchNow);
      if (batch.isEmpty()) break;
      run(idle.pop(), batch.get());
    }
    if (spec.queueBehindRunning()) queueBehindRunning(now);
    scheduleWakeup(now);
  }

  /**
   * Gives each session that runs one batch its next one, if a full batch (or one whose queue delay
   * passed) is waiting: it starts the moment the running batch ends. Waiting for the session to free
   * up could not make that batch any fuller.
   */
  private void queueBehindRunning(long now) {
    for (ModelInstance instance : all) {
      if (outstanding.get(instance) != 1) continue;
      var batch = nextBatch(now, false);
      if (batch.isEmpty()) return;
      run(instance, batch.get());
    }
  }

  /** Fixed mode cuts at the config's preferred sizes; adaptive at the size it currently settles on. */
  private Optional<List<Pending<Caller>>> nextBatch(long now, boolean dispatchNow) {
    if (sizer.isEmpty()) return former.next(now, preferredSizes, policy.preferredBatchSize(), dispatchNow);
    int cap = sizer.get().cap();
    return former.next(now, new int[] {cap}, cap, dispatchNow);
  }

  private void scheduleWakeup(long now) {
    OptionalLong wake = former.nextWakeup(!idle.isEmpty());
    if (wake.isEmpty()) {
      cancelWakeup();
      return;
    }
    // Most requests leave the earliest deadline where it was: keep the scheduled wake-up then.
    if (wakeup != null && !wakeup.isDone() && wakeupAt == wake.getAsLong()) return;
    cancelWakeup();
    ActorRef<Command> self = getContext().getSelf();
    wakeupAt = wake.getAsLong();
    wakeup = BatchDeadlines.schedule(() -> self.tell(Tick.INSTANCE), wakeupAt - now + 1);
  }

  private void cancelWakeup() {
    if (wakeup != null) wakeup.cancel(false);
    wakeup = null;
  }

  private void run(ModelInstance instance, List<Pending<Caller>> batch) {
    inFlight++;
    outstanding.merge(instance, 1, Integer::sum);
    CompletableFuture<LaneRun> work =
        CompletableFuture.supplyAsync(() -> execute(instance, batch), lanes.get(instance));
    getContext().pipeToSelf(work, (done, error) -> error == null
        ? new BatchDone(instance, done)
        : new BatchFailed(instance, batch, error));
  }

  /**
   * Blocking, on the blocking dispatcher: one session run, timed per phase. A batch queued behind a
   * running one may start after some of its requests' deadlines: those of a REJECT level, and those
   * whose client stopped waiting, are left out here, right before the run, so they never run.
   */
  private LaneRun execute(ModelInstance instance, List<Pending<Caller>> batch) {
    List<Pending<Caller>> ran = batch;
    List<Pending<Caller>> late = List.of();
    long now = System.nanoTime();
    if (batch.stream().anyMatch(p -> rejectedWhenLate(p, now))) {
      Map<Boolean, List<Pending<Caller>>> split =
          batch.stream().collect(Collectors.partitioningBy(p -> rejectedWhenLate(p, now)));
      ran = split.get(false);
      late = split.get(true);
    }
    if (ran.isEmpty()) return new LaneRun(ran, late, null);
    List<InferRequest> requests = ran.stream().map(Pending::request).toList();
    int[] sizes = ran.stream().mapToInt(Pending::batchSize).toArray();
    Span span = batchSpan(requests, sizes);
    try {
      LaneRun done = new LaneRun(ran, late, runner.run(instance, requests, sizes));
      span.finish();
      return done;
    } catch (Exception e) {
      span.fail(e);
      span.finish();
      throw new IllegalStateException(rootMessage(e), e);
    }
  }

  /** The session run as a span of its own that links to each request's span (OpenTelemetry's batching model). */
  private Span batchSpan(List<InferRequest> requests, int[] sizes) {
    List<String> callers = Tracing.enabled()
        ? requests.stream().map(InferRequest::traceparent).filter(tp -> !tp.isEmpty()).toList() : List.of();
    // A batch of untraced requests (warm-up samples, callers without a trace) makes no span.
    if (callers.isEmpty()) return Tracing.none();
    Span span = Tracing.linked("batch " + spec.key().model(), "inference", callers);
    span.tag("model", spec.key().model());
    span.tag("model.version", spec.key().version());
    span.tag("batch.requests", requests.size());
    span.tag("batch.size", java.util.Arrays.stream(sizes).sum());
    span.tag("device", spec.device().toString());
    return span;
  }

  private boolean rejectedWhenLate(Pending<?> p, long now) {
    return p.rejectedAt(now, policy.rules(p.level()).delayWhenLate());
  }

  private Behavior<Command> onBatchDone(BatchDone msg) {
    finished(msg.instance());
    LaneRun run = msg.run();
    BatchRunner.Result result = run.result();
    if (result != null) {
      int executed = run.ran().stream().mapToInt(Pending::batchSize).sum();
      sizer.ifPresent(s -> recordTiming(s, executed, result.times().totalNanos()));
      statistics.executed(executed, result.times());
    }
    // The instance gets its next batch before the answers go out: answering 32 requests takes long
    // enough to leave a session idle.
    Behavior<Command> next = afterBatch();
    rejectLate(run.late(), System.nanoTime());
    if (result == null) return next;
    // Statistics first: a client that reads them right after its answer must see its own request.
    long answered = System.nanoTime();
    for (int i = 0; i < run.ran().size(); i++) {
      var p = run.ran().get(i);
      List<Tensor> outputs = result.perRequest().get(i);
      if (p.replyTo().cacheKey() != null) spec.cache().orElseThrow().put(p.replyTo().cacheKey(), outputs);
      statistics.succeeded(p.batchSize(), answered - p.enqueuedNanos(), result.startedNanos() - p.enqueuedNanos(),
          result.times());
      answer(p, new InferResult.Served(new InferResponse(
          spec.key().model(), spec.key().version(), p.request().id(), classifier.apply(p.request(), outputs))));
    }
    return next;
  }

  /** Every accepted request is answered here, exactly once, so preserve_ordering never waits forever. */
  private void answer(Pending<Caller> p, InferResult reply) {
    ActorRef<InferResult> ref = p.replyTo().ref();
    if (preserveOrdering) replies.answer(p.replyTo().seq(), () -> ref.tell(reply));
    else ref.tell(reply);
  }

  private void rejectLate(List<Pending<Caller>> late, long now) {
    for (var p : late) {
      statistics.failed(now - p.enqueuedNanos());
      answer(p, InferResult.failed(ErrorKind.DEADLINE_EXCEEDED, p.abandoned(now)
          ? "request waited in the queue of model '" + spec.key().model() + "' past its client's deadline"
          : "request waited in the queue of model '" + spec.key().model() + "' past its timeout"));
    }
  }

  private void recordTiming(AdaptiveBatchSizer s, int items, long nanos) {
    int before = s.cap();
    boolean wasExploring = s.exploring();
    s.record(items, nanos);
    if (s.cap() != before)
      getContext().getLog().debug("Model '{}' batch cap {} -> {} after {} items in {} ms", spec.key().model(), before,
          s.cap(), items, nanos / 1_000_000);
    if (wasExploring && !s.exploring())
      getContext().getLog().info("Model '{}' settled on batch cap {} ({} items/s; was {})", spec.key().model(), s.cap(),
          Math.round(s.throughput(s.cap())), before);
  }

  private Behavior<Command> onBatchFailed(BatchFailed msg) {
    finished(msg.instance());
    getContext().getLog().warn("inference failed for model '{}': {}", spec.key().model(), rootMessage(msg.error()));
    InferenceFailure failure = RunFailures.classify(spec.key().model(), inputShapes(msg.batch()), msg.error());
    long now = System.nanoTime();
    for (var p : msg.batch()) {
      statistics.failed(now - p.enqueuedNanos());
      answer(p, new InferResult.Failed(failure));
    }
    return afterBatch();
  }

  /** The first request's input shapes, as its client sent them (a batch shares them). */
  private static String inputShapes(List<Pending<Caller>> batch) {
    if (batch.isEmpty()) return "[]";
    return batch.get(0).request().inputs().stream()
        .map(t -> t.name() + " " + java.util.Arrays.toString(t.shape()))
        .collect(Collectors.joining(", "));
  }

  private void finished(ModelInstance instance) {
    inFlight--;
    if (outstanding.merge(instance, -1, Integer::sum) == 0) idle.push(instance);
  }

  private Behavior<Command> afterBatch() {
    dispatch();
    return draining ? closeWhenIdle() : this;
  }

  /**
   * A version is drained after its replacement took over its requests (or on unload): what it accepted
   * is still served, as Triton finishes in-flight requests, so a reload loses none of them.
   */
  private Behavior<Command> onDrain() {
    draining = true;
    if (!loaded) return this;
    dispatch();
    return closeWhenIdle();
  }

  private Behavior<Command> closeWhenIdle() {
    if (closing || inFlight > 0 || former.size() > 0) return this;
    closing = true;
    List<ModelInstance> toClose = List.copyOf(all);
    all.clear();
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> toClose.forEach(ModelInstance::close), blocking),
        (ok, error) -> Closed.INSTANCE);
    return this;
  }

  /**
   * Stopped with its owner (a restart of the version) instead of drained: each session closes on its
   * lane, after the batch it runs, and what was waiting is answered.
   */
  private void closeWhenStoppedUndrained() {
    long now = System.nanoTime();
    for (var p : former.drainAll()) {
      statistics.failed(now - p.enqueuedNanos());
      p.replyTo().ref().tell(InferResult.failed(ErrorKind.UNAVAILABLE, notServing()));
    }
    for (ModelInstance instance : all) lanes.get(instance).execute(instance::close);
    all.clear();
  }

  /** Its owner watches it and sees it stop. */
  private Behavior<Command> onClosed() {
    return Behaviors.stopped();
  }

  private String notServing() {
    return "model '" + spec.key().model() + "' version " + spec.key().version() + " is not ready";
  }

  private static String rootMessage(Throwable t) {
    return InferenceErrors.rootMessage(t);
  }
}

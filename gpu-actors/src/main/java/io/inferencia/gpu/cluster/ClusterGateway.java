package io.inferencia.gpu.cluster;

import io.inferencia.gpu.actors.ActorInferenceGateway;
import io.inferencia.gpu.sequence.SequenceId;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceErrors;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.placement.NodeView;
import io.inferencia.protocols.placement.ReplicaView;
import io.inferencia.protocols.placement.ScalingPolicy;
import io.inferencia.protocols.placement.ScalingUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import kamon.Kamon;
import kamon.metric.Counter;
import org.apache.pekko.actor.typed.Scheduler;

/**
 * The inference core of an edge-only node: each call goes to one of the gpu nodes' repository managers,
 * the one with fewer calls in flight from here of two picked at random (power of two choices); all
 * calls of one sequence ({@code sequence_id}) to the same node, where its state is. Inference has no
 * side effects, so a call whose node is lost (unreachable, downed, gone) is sent again to another node,
 * or waits for one, within the call's deadline: the client sees a slower answer, not an error. With no
 * node at all, a call waits until its deadline and then fails DEADLINE_EXCEEDED. An inference call goes
 * through the {@link ModelReplica} entity that owns the chosen node's copy of its version.
 */
public final class ClusterGateway implements InferenceGateway {
  private static final Counter RESENT = Kamon.counter("inferencia.cluster.calls.resent",
      "Calls sent again to another gpu node because theirs was lost before answering").withoutTags();

  private final GpuNodes nodes;
  private final Scheduler scheduler;
  private final Duration timeout;
  /** The replica entities' sharding; null: calls go to the nodes' managers (tests without a cluster). */
  private final ReplicaSharding replicas;

  /** Load, unload, scale, placement and nodes leave this node's own core out (its caller asks it itself). */
  private final boolean othersOnly;

  public ClusterGateway(GpuNodes nodes, Scheduler scheduler, Duration timeout) {
    this(nodes, scheduler, timeout, null, false);
  }

  public ClusterGateway(GpuNodes nodes, Scheduler scheduler, Duration timeout, ReplicaSharding replicas) {
    this(nodes, scheduler, timeout, replicas, false);
  }

  private ClusterGateway(GpuNodes nodes, Scheduler scheduler, Duration timeout, ReplicaSharding replicas, boolean othersOnly) {
    this.nodes = nodes;
    this.scheduler = scheduler;
    this.timeout = timeout;
    this.replicas = replicas;
    this.othersOnly = othersOnly;
  }

  @Override
  public ClusterGateway within(Duration timeout) {
    return new ClusterGateway(nodes, scheduler, timeout, replicas, othersOnly);
  }

  /** This gateway with the repository, scaling and admin calls going to the other gpu nodes only. */
  ClusterGateway othersOnly() {
    return new ClusterGateway(nodes, scheduler, timeout, replicas, true);
  }

  /** The nodes the fan-out calls go to. */
  private List<GpuNode> remote(List<GpuNode> available) {
    return othersOnly ? available.stream().filter(n -> !n.isLocal()).toList() : available;
  }

  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    String sequence = request.parameters().get(SequenceId.ID);
    String sticky = sequence == null || sequence.isBlank() ? null : request.model() + ":" + sequence.trim();
    // Re-sends keep the client's deadline: the answer comes by then, or DEADLINE_EXCEEDED does.
    String version = request.version() == null ? "" : request.version();
    return call(sticky, request.model(), version, ActorInferenceGateway.deadline(timeout, request),
        (node, within) -> inferOn(node, request, version, within));
  }

  /**
   * Through the replica entity that owns the node's READY copy, when the views name one; else (a copy
   * loaded on demand a moment ago, or none there yet: the node loads it) through the node's manager.
   */
  private CompletionStage<InferResponse> inferOn(GpuNode node, InferRequest request, String version, Duration within) {
    // This node's own copy needs no entity hop.
    String replica = replicas == null || node.isLocal() ? null : node.replicaOf(request.model(), version);
    if (replica == null) return new ActorInferenceGateway(node.manager, scheduler, within).infer(request);
    return ActorInferenceGateway.infer(replicas.ref(replica), ModelReplica.Infer::new, request, scheduler, within);
  }

  /** Ready when some gpu node is reachable and says it is ready; never waits for one. */
  @Override
  public CompletionStage<Boolean> serverReady() {
    if (nodes.available().isEmpty()) return CompletableFuture.completedFuture(false);
    return call(null, ActorInferenceGateway::serverReady);
  }

  @Override
  public CompletionStage<List<ModelIndexEntry>> index(boolean readyOnly) {
    return call(null, core -> core.index(readyOnly));
  }

  @Override
  public CompletionStage<ModelMetadata> metadata(String model, String version) {
    return call(null, core -> core.metadata(model, version));
  }

  @Override
  public CompletionStage<ModelConfig> config(String model, String version) {
    return call(null, core -> core.config(model, version));
  }

  @Override
  public CompletionStage<Boolean> modelReady(String model, String version) {
    return call(null, core -> core.modelReady(model, version));
  }

  @Override
  public CompletionStage<List<ModelStatistics>> statistics(String model, String version) {
    return call(null, core -> core.statistics(model, version));
  }

  /** Every gpu node loads it: one that did not would answer the model's requests NOT_FOUND. */
  @Override
  public CompletionStage<Void> load(String model, String configText) {
    return everywhere(core -> core.load(model, configText));
  }

  @Override
  public CompletionStage<Void> unload(String model) {
    return everywhere(core -> core.unload(model));
  }

  /** The replicas of every reachable gpu node. */
  @Override
  public CompletionStage<List<ReplicaView>> placement() {
    return gather(ActorInferenceGateway::placement);
  }

  @Override
  public CompletionStage<List<NodeView>> nodes() {
    return gather(ActorInferenceGateway::nodes);
  }

  /** Every gpu node applies it, so each one's versions scale alike; the first one's policy is the answer. */
  @Override
  public CompletionStage<ScalingPolicy> scale(String model, String version, ScalingUpdate update) {
    return onEach(core -> core.scale(model, version, update), true)
        .thenApply(policies -> policies.isEmpty() ? null : policies.get(0));
  }

  /** Each reachable gpu node's answer, concatenated. */
  private <T> CompletionStage<List<T>> gather(Function<ActorInferenceGateway, CompletionStage<List<T>>> op) {
    return onEach(op, false).thenApply(lists -> {
      List<T> out = new ArrayList<>();
      lists.forEach(out::addAll);
      return out;
    });
  }

  private CompletionStage<Void> everywhere(Function<ActorInferenceGateway, CompletionStage<Void>> op) {
    return onEach(op, true).thenApply(done -> null);
  }

  /**
   * {@code op} on every gpu node it spans, their answers in order once all came; any failure fails the
   * whole. {@code needsOne}: with no node at all it fails UNAVAILABLE (the others-only view then has
   * nothing to do and answers nothing).
   */
  private <T> CompletionStage<List<T>> onEach(Function<ActorInferenceGateway, CompletionStage<T>> op, boolean needsOne) {
    List<GpuNode> all = remote(nodes.available());
    if (all.isEmpty() && needsOne && !othersOnly)
      return CompletableFuture.failedFuture(new InferenceException(ErrorKind.UNAVAILABLE, "no gpu node is reachable"));
    List<CompletableFuture<T>> each = new ArrayList<>();
    for (GpuNode node : all)
      each.add(op.apply(new ActorInferenceGateway(node.manager, scheduler, timeout)).toCompletableFuture());
    CompletableFuture<List<T>> result = new CompletableFuture<>();
    CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
      if (error == null) result.complete(each.stream().map(CompletableFuture::join).toList());
      else result.completeExceptionally(InferenceErrors.toException(error, ActorInferenceGateway.TIMEOUT_MESSAGE));
    });
    return result;
  }

  private <T> CompletionStage<T> call(String sticky, Function<ActorInferenceGateway, CompletionStage<T>> op) {
    return call(sticky, null, "", timeout,
        (node, within) -> op.apply(new ActorInferenceGateway(node.manager, scheduler, within)));
  }

  /**
   * {@code op} on one node, with the time left; {@code model} non-null: the nodes where its version is
   * READY are preferred (no load to wait for).
   */
  private <T> CompletionStage<T> call(String sticky, String model, String version, Duration within,
      BiFunction<GpuNode, Duration, CompletionStage<T>> op) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(result, System.nanoTime() + within.toNanos(), sticky, model, version, op);
    return result;
  }

  private <T> void attempt(CompletableFuture<T> result, long deadline, String sticky, String model, String version,
      BiFunction<GpuNode, Duration, CompletionStage<T>> op) {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      result.completeExceptionally(new InferenceException(ErrorKind.DEADLINE_EXCEEDED, ActorInferenceGateway.TIMEOUT_MESSAGE));
      return;
    }
    // The change to wait for is taken before the set it follows, so a node published in between is not missed.
    CompletionStage<Void> nextChange = nodes.nextChange();
    List<GpuNode> admitted = admitted(nodes.available());
    if (admitted.isEmpty() && !nodes.available().isEmpty()) {
      // Every node this edge could send to keeps failing: fail fast, as a breaker does, until a trial call may go.
      result.completeExceptionally(new InferenceException(ErrorKind.UNAVAILABLE,
          "every gpu node keeps failing calls (circuit breakers open); try again shortly"));
      return;
    }
    List<GpuNode> available = model == null || sticky != null ? admitted : preferServing(admitted, model, version);
    GpuNode first = choose(available, sticky);
    // Lost a moment before the watcher published it: choose among the others.
    GpuNode node = first != null && first.isLost() ? choose(available.stream().filter(n -> !n.isLost()).toList(), sticky) : first;
    if (node == null) {
      // No gpu node to send to: wait for one (a node joining or coming back) until the deadline.
      nextChange.toCompletableFuture().copy().completeOnTimeout(null, remaining, TimeUnit.NANOSECONDS)
          .thenRun(() -> attempt(result, deadline, sticky, model, version, op));
      return;
    }
    AtomicBoolean settled = new AtomicBoolean();
    Runnable resend = () -> {
      if (settled.compareAndSet(false, true)) {
        RESENT.increment();
        attempt(result, deadline, sticky, model, version, op);
      }
    };
    if (!node.track(resend)) {
      // Lost between the choice and now: the next attempt no longer picks it.
      resend.run();
      return;
    }
    op.apply(node, Duration.ofNanos(remaining)).whenComplete((value, error) -> {
      if (!settled.compareAndSet(false, true)) return; // re-sent already: the other node answers
      node.untrack(resend);
      node.breaker.answered(error, remaining);
      if (error == null) result.complete(value);
      else result.completeExceptionally(InferenceErrors.toException(error, ActorInferenceGateway.TIMEOUT_MESSAGE));
    });
  }


  /** The nodes whose circuit breaker lets a call through (all of them, when none is open). */
  static List<GpuNode> admitted(List<GpuNode> available) {
    for (GpuNode node : available)
      if (!node.breaker.admits()) return available.stream().filter(n -> n.breaker.admits()).toList();
    return available;
  }

  /**
   * The nodes where the version is READY, when there are any: a model loaded on demand is then loaded
   * on one node and served there, instead of on every node a request happens to reach. Without any,
   * every node: the chosen one loads it. Sequences are not narrowed, so their node does not change
   * when another node loads the model.
   */
  static List<GpuNode> preferServing(List<GpuNode> available, String model, String version) {
    List<GpuNode> serving = null;
    for (GpuNode node : available) {
      if (!node.serves(model, version)) continue;
      if (serving == null) serving = new ArrayList<>(available.size());
      serving.add(node);
    }
    return serving == null ? available : serving;
  }

  /**
   * A sequence's node by rendezvous hashing (it moves only when its node goes); anything else the less
   * busy of two random nodes.
   */
  static GpuNode choose(List<GpuNode> available, String sticky) {
    int n = available.size();
    if (n == 0) return null;
    if (n == 1) return available.get(0);
    if (sticky != null) {
      GpuNode best = null;
      long bestScore = Long.MIN_VALUE;
      for (GpuNode node : available) {
        long score = mix(sticky.hashCode() * 31L + node.address.toString().hashCode());
        if (best == null || score > bestScore) {
          best = node;
          bestScore = score;
        }
      }
      return best;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int i = random.nextInt(n);
    int j = random.nextInt(n - 1);
    if (j >= i) j++;
    GpuNode a = available.get(i);
    GpuNode b = available.get(j);
    return a.outstanding() <= b.outstanding() ? a : b;
  }

  /** A 64-bit finalizer (SplitMix64), so close hash codes still score far apart. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}

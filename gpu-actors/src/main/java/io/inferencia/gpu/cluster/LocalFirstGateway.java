package io.inferencia.gpu.cluster;

import io.inferencia.gpu.actors.ActorInferenceGateway;
import io.inferencia.gpu.sequence.SequenceId;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
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

/**
 * The edge of a node that is also a gpu node: a request is served by this node's own core when its
 * version is READY here (no hop, no serialization), by the gpu nodes that have it READY when only
 * others do (a model loaded on demand elsewhere, or released here by autoscaling), and by this node
 * again when none has it (it loads here). When it is READY both here and elsewhere, it stays here
 * until this edge has {@code spillAfter} more calls in flight here than on the least busy other
 * replica ({@code inference.placement.spill-after}; a few queued calls batch well here, and a hop costs
 * the edge and the other node serialization): then it goes over the cluster, so the replicas autoscaling adds elsewhere take this edge's
 * overflow instead of idling. A sequence stays here, where its state is. Queries are this
 * node's own answers (every gpu node reads the same repository); loads, unloads, scaling and the
 * admin views span every gpu node.
 */
public final class LocalFirstGateway implements InferenceGateway {
  private final ActorInferenceGateway local;
  private final ClusterGateway cluster;
  private final ClusterGateway others;
  private final GpuNodes nodes;
  private final int spillAfter;

  public LocalFirstGateway(ActorInferenceGateway local, ClusterGateway cluster, GpuNodes nodes, int spillAfter) {
    this.local = local;
    this.cluster = cluster;
    this.others = cluster.othersOnly();
    this.nodes = nodes;
    this.spillAfter = spillAfter;
  }

  @Override
  public LocalFirstGateway within(Duration timeout) {
    return new LocalFirstGateway(local.within(timeout), cluster.within(timeout), nodes, spillAfter);
  }

  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    GpuNode here = nodes.available().stream().filter(GpuNode::isLocal).findFirst().orElse(null);
    if (goesElsewhere(request)) return cluster.infer(request);
    if (here == null) return local.infer(request);
    // Counted as the cluster gateway counts its calls, so the spill rule compares like with like; a
    // local call has nothing to re-send (its own node is never lost to itself).
    Runnable call = new LocalCall();
    here.track(call);
    return local.infer(request).whenComplete((response, error) -> here.untrack(call));
  }

  /**
   * Whether the request goes over the cluster: its version is READY on another gpu node and either not
   * here or, here, behind {@code spillAfter} more of this edge's calls than the least busy other.
   */
  boolean goesElsewhere(InferRequest request) {
    String sequence = request.parameters().get(SequenceId.ID);
    if (sequence != null && !sequence.isBlank()) return false;
    String version = request.version() == null ? "" : request.version();
    GpuNode here = null;
    GpuNode leastBusy = null;
    for (GpuNode node : nodes.available()) {
      if (!node.serves(request.model(), version)) continue;
      if (node.isLocal()) here = node;
      else if (leastBusy == null || node.outstanding() < leastBusy.outstanding()) leastBusy = node;
    }
    if (leastBusy == null) return false;
    return here == null || here.outstanding() >= leastBusy.outstanding() + spillAfter;
  }

  @Override
  public CompletionStage<Boolean> serverReady() {
    return local.serverReady();
  }

  @Override
  public CompletionStage<List<ModelIndexEntry>> index(boolean readyOnly) {
    return local.index(readyOnly);
  }

  @Override
  public CompletionStage<ModelMetadata> metadata(String model, String version) {
    return local.metadata(model, version);
  }

  @Override
  public CompletionStage<ModelConfig> config(String model, String version) {
    return local.config(model, version);
  }

  @Override
  public CompletionStage<Boolean> modelReady(String model, String version) {
    return local.modelReady(model, version);
  }

  @Override
  public CompletionStage<List<ModelStatistics>> statistics(String model, String version) {
    return local.statistics(model, version);
  }

  /** Here and on every other gpu node; this node's outcome is the answer. */
  @Override
  public CompletionStage<Void> load(String model, String configText) {
    return both(local.load(model, configText), others.load(model, configText));
  }

  @Override
  public CompletionStage<Void> unload(String model) {
    return both(local.unload(model), others.unload(model));
  }

  @Override
  public CompletionStage<ScalingPolicy> scale(String model, String version, ScalingUpdate update) {
    CompletableFuture<ScalingPolicy> here = local.scale(model, version, update).toCompletableFuture();
    return here.thenCombine(others.scale(model, version, update).exceptionally(e -> null), (mine, theirs) -> mine);
  }

  @Override
  public CompletionStage<List<ReplicaView>> placement() {
    return concat(local.placement(), others.placement());
  }

  @Override
  public CompletionStage<List<NodeView>> nodes() {
    return concat(local.nodes(), others.nodes());
  }

  private static CompletionStage<Void> both(CompletionStage<Void> here, CompletionStage<Void> elsewhere) {
    return here.toCompletableFuture().thenCombine(elsewhere, (a, b) -> null);
  }

  private static <T> CompletionStage<List<T>> concat(CompletionStage<List<T>> here, CompletionStage<List<T>> elsewhere) {
    return here.toCompletableFuture().thenCombine(elsewhere, (a, b) -> {
      List<T> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    });
  }

  /** One local call in flight: its own object, as the node's count is a set of calls. */
  private static final class LocalCall implements Runnable {
    @Override
    public void run() {}
  }
}

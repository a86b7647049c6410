package io.inferencia.protocols.inference;

import io.inferencia.protocols.placement.NodeView;
import io.inferencia.protocols.placement.ReplicaView;
import io.inferencia.protocols.placement.ScalingPolicy;
import io.inferencia.protocols.placement.ScalingUpdate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The inference port: what the edges (REST, gRPC) and the job worker see of the inference core, which
 * gpu-actors implements. Every stage completes exceptionally with an {@link InferenceException} carrying
 * the error class the edges map to a status code.
 */
public interface InferenceGateway extends Inferer {
  /**
   * This gateway with every call bounded by {@code timeout}: a call not answered in time fails with
   * DEADLINE_EXCEEDED. A caller with its own deadline (the edge's {@code edge.ask-timeout}) passes it
   * here instead of wrapping calls in a second timer, so a request times out exactly once.
   */
  InferenceGateway within(Duration timeout);

  /** True once the repository was scanned and every model that can load has been loaded. */
  CompletionStage<Boolean> serverReady();

  CompletionStage<List<ModelIndexEntry>> index(boolean readyOnly);

  /** version empty = the version the model's policy serves. */
  CompletionStage<ModelMetadata> metadata(String model, String version);

  /** The model's parsed config.pbtxt (Triton's ModelConfig message). */
  CompletionStage<io.inferencia.protocols.modelconfig.ModelConfig> config(String model, String version);

  CompletionStage<Boolean> modelReady(String model, String version);

  /**
   * Triton's statistics extension: every ready version of every model when model is empty, every
   * ready version of the model when version is empty.
   */
  CompletionStage<List<ModelStatistics>> statistics(String model, String version);

  /** Loads or reloads a model from the repository (re-reading its config.pbtxt). */
  default CompletionStage<Void> load(String model) {
    return load(model, "");
  }

  /**
   * As {@link #load(String)} with {@code configText} (config.pbtxt text, checked as strictly) in place
   * of the model's config.pbtxt for this load, as Triton's load with a "config" parameter; empty for
   * the file. An invalid override fails INVALID_ARGUMENT and leaves the model as it was.
   */
  CompletionStage<Void> load(String model, String configText);

  CompletionStage<Void> unload(String model);

  @Override
  CompletionStage<InferResponse> infer(InferRequest request);

  /** Every replica of every model version on the gpu nodes this gateway reaches (the admin API's placement). */
  CompletionStage<List<ReplicaView>> placement();

  /** The gpu nodes this gateway reaches, with their devices' memory budgets. */
  CompletionStage<List<NodeView>> nodes();

  /**
   * Changes a model version's scaling policy at run time (version empty: every version of the model);
   * answers the policy that now applies. NOT_FOUND for an unknown model or version, INVALID_ARGUMENT
   * for a policy that does not hold together (min above max).
   */
  CompletionStage<ScalingPolicy> scale(String model, String version, ScalingUpdate update);
}

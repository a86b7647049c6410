package io.inferencia.edge.testkit;

import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceErrors;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link FakeGateway} seen {@link InferenceGateway#within within} a timeout, as the actor gateway's ask
 * bounds its calls: a call not answered in time fails DEADLINE_EXCEEDED with the core's message.
 */
final class BoundedGateway implements InferenceGateway {
  private final InferenceGateway fake;
  private final Duration timeout;

  BoundedGateway(InferenceGateway fake, Duration timeout) {
    this.fake = fake;
    this.timeout = timeout;
  }

  @Override
  public InferenceGateway within(Duration other) {
    return new BoundedGateway(fake, other);
  }

  private <T> CompletionStage<T> bounded(Supplier<CompletionStage<T>> call) {
    return call.get().toCompletableFuture().copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(e -> java.util.concurrent.CompletableFuture.failedFuture(
            InferenceErrors.toException(e, "the inference core did not answer in time")));
  }

  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    return bounded(() -> fake.infer(request));
  }

  @Override
  public CompletionStage<Boolean> serverReady() {
    return bounded(fake::serverReady);
  }

  @Override
  public CompletionStage<List<ModelIndexEntry>> index(boolean readyOnly) {
    return bounded(() -> fake.index(readyOnly));
  }

  @Override
  public CompletionStage<ModelMetadata> metadata(String model, String version) {
    return bounded(() -> fake.metadata(model, version));
  }

  @Override
  public CompletionStage<ModelConfig> config(String model, String version) {
    return bounded(() -> fake.config(model, version));
  }

  @Override
  public CompletionStage<Boolean> modelReady(String model, String version) {
    return bounded(() -> fake.modelReady(model, version));
  }

  @Override
  public CompletionStage<List<ModelStatistics>> statistics(String model, String version) {
    return bounded(() -> fake.statistics(model, version));
  }

  @Override
  public CompletionStage<Void> load(String model, String configText) {
    return bounded(() -> fake.load(model, configText));
  }

  @Override
  public CompletionStage<Void> unload(String model) {
    return bounded(() -> fake.unload(model));
  }

  @Override
  public CompletionStage<List<io.inferencia.protocols.placement.ReplicaView>> placement() {
    return bounded(fake::placement);
  }

  @Override
  public CompletionStage<List<io.inferencia.protocols.placement.NodeView>> nodes() {
    return bounded(fake::nodes);
  }

  @Override
  public CompletionStage<io.inferencia.protocols.placement.ScalingPolicy> scale(String model, String version,
      io.inferencia.protocols.placement.ScalingUpdate update) {
    return bounded(() -> fake.scale(model, version, update));
  }
}

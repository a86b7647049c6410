package io.inferencia.edge;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Calls into the inference core from the edges. The time limit is not set here: the edges hold the
 * gateway {@link io.inferencia.protocols.inference.InferenceGateway#within within} {@code edge.ask-timeout},
 * so the gateway's own ask is the request's one timeout.
 */
public final class GatewayCalls {
  private GatewayCalls() {}

  /** Runs the call, turning a synchronous throw into a failed stage (a gateway may validate eagerly). */
  public static <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      call.get().whenComplete((v, t) -> {
        if (t != null) result.completeExceptionally(t);
        else result.complete(v);
      });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result;
  }
}

package io.inferencia.edge;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Bounds every call into the inference core by the edge's ask timeout, without blocking a thread. */
public final class GatewayCalls {
  private GatewayCalls() {}

  /**
   * Runs the call, turning a synchronous throw into a failed stage (a gateway may validate eagerly)
   * and a late answer into a {@link java.util.concurrent.TimeoutException}.
   */
  public static <T> CompletableFuture<T> call(Duration timeout, Supplier<CompletionStage<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      call.get().whenComplete((v, t) -> {
        if (t != null) result.completeExceptionally(t);
        else result.complete(v);
      });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}

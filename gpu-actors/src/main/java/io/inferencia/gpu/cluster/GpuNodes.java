package io.inferencia.gpu.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The gpu nodes an edge can send to right now, as {@link GpuNodeWatcher} last saw them: registered
 * through the receptionist and reachable. Read on every request without a message; written only by
 * the watcher.
 */
public final class GpuNodes {
  private volatile List<GpuNode> available = List.of();
  private volatile CompletableFuture<Void> changed = new CompletableFuture<>();

  List<GpuNode> available() {
    return available;
  }

  /** Completes the next time the set of available nodes changes (a caller with no node waits on it). */
  CompletionStage<Void> nextChange() {
    return changed;
  }

  void publish(List<GpuNode> nodes) {
    available = List.copyOf(nodes);
    CompletableFuture<Void> previous = changed;
    changed = new CompletableFuture<>();
    previous.complete(null);
  }
}

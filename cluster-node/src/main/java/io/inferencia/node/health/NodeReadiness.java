package io.inferencia.node.health;

import io.inferencia.edge.health.ReadinessChecks;
import io.inferencia.protocols.inference.InferenceGateway;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Whether this node may take traffic, for Pekko Management's {@code /ready} (cluster membership is
 * checked there by its own check): the node's services started, the dependencies registered in
 * {@link ReadinessChecks} pass (the journal's database), and on a gpu node its inference core has
 * scanned its repository and loaded its pinned models (the devices are registered).
 */
public final class NodeReadiness implements Extension {
  private static final Duration CORE_TIMEOUT = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private volatile boolean started;
  private volatile InferenceGateway localCore;

  private static final ExtensionId<NodeReadiness> ID = new ExtensionId<>() {
    @Override
    public NodeReadiness createExtension(ActorSystem<?> system) {
      return new NodeReadiness(system);
    }
  };

  private NodeReadiness(ActorSystem<?> system) {
    this.system = system;
  }

  public static NodeReadiness get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The node's roles are running (called once the guardian started them). */
  public void started(InferenceGateway localCoreOrNull) {
    this.localCore = localCoreOrNull == null ? null : localCoreOrNull.within(CORE_TIMEOUT);
    this.started = true;
  }

  public CompletionStage<Boolean> ready() {
    if (!started || !ReadinessChecks.get(system).allPass()) return CompletableFuture.completedFuture(false);
    InferenceGateway core = localCore;
    if (core == null) return CompletableFuture.completedFuture(true);
    return core.serverReady().exceptionally(error -> false);
  }
}

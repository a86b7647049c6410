package io.inferencia.node.health;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Pekko Management's readiness check ({@code pekko.management.health-checks.readiness-checks}, which
 * instantiates it with the classic system): the node's own readiness, next to the cluster-membership
 * check that management registers itself.
 */
public final class ManagementReadiness implements Supplier<CompletionStage<Boolean>> {
  private final NodeReadiness readiness;

  public ManagementReadiness(ActorSystem system) {
    this.readiness = NodeReadiness.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return readiness.ready();
  }
}

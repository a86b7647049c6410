package io.inferencia.edge.auth;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/** One {@link Authenticator} per node, shared by the REST and gRPC bindings (one JWKS cache, one token cache). */
public final class EdgeAuth implements Extension {
  private static final Id ID = new Id();
  private final Authenticator authenticator;

  private EdgeAuth(ActorSystem<?> system) {
    this.authenticator = Authenticator.fromConfig(system.settings().config().getConfig("api"));
    authenticator.warmUp();
  }

  public static Authenticator get(ActorSystem<?> system) {
    return ID.apply(system).authenticator;
  }

  private static final class Id extends ExtensionId<EdgeAuth> {
    @Override
    public EdgeAuth createExtension(ActorSystem<?> system) {
      return new EdgeAuth(system);
    }
  }
}

package io.inferencia.edge.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What else the server's readiness depends on besides the inference core: dependencies the wiring
 * registers (the journal's database, for one). {@code /v2/health/ready} and gRPC {@code ServerReady}
 * answer ready only while every check passes. Checks must be cheap: they read a flag that a periodic
 * probe keeps, they do not probe themselves.
 */
public final class ReadinessChecks implements Extension {
  private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();

  private static final ExtensionId<ReadinessChecks> ID = new ExtensionId<>() {
    @Override
    public ReadinessChecks createExtension(ActorSystem<?> system) {
      return new ReadinessChecks();
    }
  };

  public static ReadinessChecks get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Adds (or replaces) the check named {@code name}. */
  public void register(String name, BooleanSupplier ready) {
    checks.put(name, ready);
  }

  /** The names of the checks that do not pass now; empty when the server may take traffic. */
  public List<String> failing() {
    List<String> out = new ArrayList<>();
    checks.forEach((name, check) -> {
      if (!check.getAsBoolean()) out.add(name);
    });
    return out;
  }

  public boolean allPass() {
    return failing().isEmpty();
  }
}

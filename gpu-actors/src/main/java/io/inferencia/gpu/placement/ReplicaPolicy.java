package io.inferencia.gpu.placement;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelParameter;
import io.inferencia.protocols.placement.ScalingPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a model version's config.pbtxt says about its replicas, through {@code parameters}: {@code
 * min_replicas}, {@code max_replicas}, {@code target_in_flight} (whole numbers), {@code memory_bytes}
 * (its footprint per device, e.g. "64MiB", where known beforehand), {@code idle_after} and {@code
 * load_wait} (durations, e.g. "30s"). What it leaves out comes from {@link PlacementSettings}.
 *
 * @param declaredBytes the footprint the config declares, 0 when it declares none
 */
public record ReplicaPolicy(ScalingPolicy scaling, long declaredBytes, Duration idleAfter, Duration loadWait) {
  public static final String MIN_REPLICAS = "min_replicas";
  public static final String MAX_REPLICAS = "max_replicas";
  public static final String TARGET_IN_FLIGHT = "target_in_flight";
  public static final String MEMORY_BYTES = "memory_bytes";
  public static final String IDLE_AFTER = "idle_after";
  public static final String LOAD_WAIT = "load_wait";

  /** The policy of a config that {@link #check} accepted. */
  public static ReplicaPolicy of(ModelConfig config, PlacementSettings defaults) {
    Map<String, ModelParameter> p = config.getParametersMap();
    int min = whole(p, MIN_REPLICAS).orElse(defaults.defaultMinReplicas());
    int max = whole(p, MAX_REPLICAS).orElse(Math.max(min, defaults.defaultMaxReplicas()));
    int target = whole(p, TARGET_IN_FLIGHT).orElse(defaults.defaultTargetInFlight());
    return new ReplicaPolicy(new ScalingPolicy(min, max, target),
        text(p, MEMORY_BYTES).map(ReplicaPolicy::bytes).orElse(0L),
        text(p, IDLE_AFTER).map(ReplicaPolicy::duration).orElse(defaults.idleAfter()),
        text(p, LOAD_WAIT).map(ReplicaPolicy::duration).orElse(defaults.loadWait()));
  }

  public ReplicaPolicy withScaling(ScalingPolicy next) {
    return new ReplicaPolicy(next, declaredBytes, idleAfter, loadWait);
  }

  /** Whether it must stay loaded: never evicted, loaded at start. */
  public boolean pinned() {
    return scaling.minReplicas() > 0;
  }

  /** Why the config's replica parameters are not acceptable, or empty. */
  public static Optional<String> check(Map<String, ModelParameter> p) {
    try {
      Optional<Integer> min = whole(p, MIN_REPLICAS);
      Optional<Integer> max = whole(p, MAX_REPLICAS);
      Optional<Integer> target = whole(p, TARGET_IN_FLIGHT);
      if (min.isPresent() && min.get() < 0) return Optional.of(MIN_REPLICAS + " must be >= 0, got " + min.get());
      if (max.isPresent() && max.get() < 1) return Optional.of(MAX_REPLICAS + " must be >= 1, got " + max.get());
      if (min.isPresent() && max.isPresent() && min.get() > max.get())
        return Optional.of(MIN_REPLICAS + " (" + min.get() + ") must not exceed " + MAX_REPLICAS + " (" + max.get() + ")");
      if (target.isPresent() && target.get() < 1)
        return Optional.of(TARGET_IN_FLIGHT + " must be >= 1, got " + target.get());
      Optional<Long> bytes = text(p, MEMORY_BYTES).map(ReplicaPolicy::bytes);
      if (bytes.isPresent() && bytes.get() < 0) return Optional.of(MEMORY_BYTES + " must not be negative");
      Optional<Duration> idle = text(p, IDLE_AFTER).map(ReplicaPolicy::duration);
      if (idle.isPresent() && idle.get().isNegative()) return Optional.of(IDLE_AFTER + " must not be negative");
      Optional<Duration> wait = text(p, LOAD_WAIT).map(ReplicaPolicy::duration);
      if (wait.isPresent() && (wait.get().isNegative() || wait.get().isZero()))
        return Optional.of(LOAD_WAIT + " must be longer than zero");
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static Optional<String> text(Map<String, ModelParameter> p, String key) {
    ModelParameter v = p.get(key);
    return v == null ? Optional.empty() : Optional.of(v.getStringValue().trim());
  }

  private static Optional<Integer> whole(Map<String, ModelParameter> p, String key) {
    return text(p, key).map(v -> {
      if (!v.matches("-?[0-9]{1,9}")) throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
      return Integer.parseInt(v);
    });
  }

  /** Sizes and durations read as HOCON reads them, so "64MiB" and "30s" mean what they mean in the node's config. */
  private static long bytes(String v) {
    try {
      return single(v).getBytes("v");
    } catch (ConfigException e) {
      throw new IllegalArgumentException(MEMORY_BYTES + " must be a size (e.g. 64MiB, 1048576), got '" + v + "'");
    }
  }

  private static Duration duration(String v) {
    try {
      return single(v).getDuration("v");
    } catch (ConfigException e) {
      throw new IllegalArgumentException("'" + v + "' is not a duration (e.g. 500ms, 30s, 5m)");
    }
  }

  private static Config single(String v) {
    return ConfigFactory.empty().withValue("v", ConfigValueFactory.fromAnyRef(v));
  }
}

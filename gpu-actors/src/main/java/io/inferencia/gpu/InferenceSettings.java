package io.inferencia.gpu;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.inferencia.gpu.batching.AdaptiveSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code inference} config section, read once at start.
 *
 * @param strictReadiness server readiness also needs every model of the repository to be READY (Triton's
 *     default); off: ready once every model that can load has loaded, broken ones notwithstanding
 */
public record InferenceSettings(Path modelRepository, Duration askTimeout, AdaptiveSettings adaptive,
    boolean strictReadiness, long responseCacheBytes, Duration sequenceStepTimeout, Supervision supervision,
    Config section) {

  /**
   * How the core's actors come back after a bug: restarted at most {@code maxRestarts} times within
   * {@code window} (then they stop and their version is UNAVAILABLE); those holding sessions wait
   * between {@code minBackoff} and {@code maxBackoff} first.
   */
  public record Supervision(int maxRestarts, Duration window, Duration minBackoff, Duration maxBackoff) {
    static Supervision fromConfig(Config c) {
      return new Supervision(c.getInt("max-restarts"), c.getDuration("window"), c.getDuration("min-backoff"),
          c.getDuration("max-backoff"));
    }
  }

  public static final String SECTION = "inference";
  public static final String BLOCKING_DISPATCHER = "inference.blocking-dispatcher";

  /** From the root config (the one holding {@code inference { ... }}). */
  public static InferenceSettings fromRoot(Config root) {
    Config c = root.getConfig(SECTION);
    return new InferenceSettings(
        Path.of(c.getString("model-repository")).toAbsolutePath().normalize(),
        c.getDuration("ask-timeout"),
        AdaptiveSettings.fromConfig(c.getConfig("batching.adaptive")),
        c.getBoolean("strict-readiness"),
        responseCacheBytes(c),
        c.getDuration("sequence.step-timeout"),
        Supervision.fromConfig(c.getConfig("supervision")),
        c);
  }

  private static long responseCacheBytes(Config c) {
    String key = "inference.response-cache.max-bytes (INFERENCE_RESPONSE_CACHE_BYTES)";
    long bytes;
    try {
      bytes = c.getBytes("response-cache.max-bytes");
    } catch (ConfigException.BadValue e) {
      throw new IllegalArgumentException(key + " must be a size such as 64MiB: " + e.getMessage(), e);
    }
    if (bytes < 0) throw new IllegalArgumentException(key + " must be >= 0, got " + bytes);
    return bytes;
  }
}

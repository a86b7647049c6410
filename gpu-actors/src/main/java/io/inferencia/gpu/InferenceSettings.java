package io.inferencia.gpu;

import com.typesafe.config.Config;
import io.inferencia.gpu.batching.AdaptiveSettings;
import io.inferencia.gpu.placement.PlacementSettings;
import io.inferencia.protocols.config.SettingReader;
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
    PlacementSettings placement, Config section) {

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

  /**
   * From the root config (the one holding {@code inference { ... }}). Every key an environment variable sets is
   * checked here, so a bad value stops the node at start with the variable's name.
   */
  public static InferenceSettings fromRoot(Config root) {
    Config c = root.getConfig(SECTION);
    SettingReader r = new SettingReader(c, SECTION);
    Path repository = r.directory("model-repository", "MODEL_REPOSITORY");
    Duration askTimeout = r.positiveDuration("ask-timeout", "INFERENCE_ASK_TIMEOUT");
    boolean strictReadiness = r.bool("strict-readiness", "STRICT_READINESS");
    r.intAtLeast("cuda-devices", "INFERENCE_CUDA_DEVICES", -1);
    r.intAtLeast("cpu-cores", "INFERENCE_CPU_CORES", 0);
    r.bool("ort.allow-spinning", "INFERENCE_ORT_ALLOW_SPINNING");
    r.positiveInt("max-image-pixels", "INFERENCE_MAX_IMAGE_PIXELS");
    r.child("blocking-dispatcher").child("thread-pool-executor")
        .positiveInt("fixed-pool-size", "INFERENCE_BLOCKING_THREADS");
    r.bool("batching.queue-behind-running", "INFERENCE_QUEUE_BEHIND_RUNNING");
    return new InferenceSettings(
        repository,
        askTimeout,
        AdaptiveSettings.fromConfig(c.getConfig("batching.adaptive")),
        strictReadiness,
        r.bytesAtLeast("response-cache.max-bytes", "INFERENCE_RESPONSE_CACHE_BYTES", 0),
        r.positiveDuration("sequence.step-timeout", null),
        Supervision.fromConfig(c.getConfig("supervision")),
        PlacementSettings.from(r),
        c);
  }
}

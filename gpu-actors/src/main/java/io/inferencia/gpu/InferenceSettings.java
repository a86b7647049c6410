package io.inferencia.gpu;

import com.typesafe.config.Config;
import io.inferencia.gpu.batching.AdaptiveSettings;
import java.nio.file.Path;
import java.time.Duration;

/** The {@code inference} config section, read once at start. */
public record InferenceSettings(Path modelRepository, Duration askTimeout, AdaptiveSettings adaptive, Config section) {
  public static final String SECTION = "inference";
  public static final String BLOCKING_DISPATCHER = "inference.blocking-dispatcher";

  /** From the root config (the one holding {@code inference { ... }}). */
  public static InferenceSettings fromRoot(Config root) {
    Config c = root.getConfig(SECTION);
    return new InferenceSettings(
        Path.of(c.getString("model-repository")).toAbsolutePath().normalize(),
        c.getDuration("ask-timeout"),
        AdaptiveSettings.fromConfig(c.getConfig("batching.adaptive")),
        c);
  }
}

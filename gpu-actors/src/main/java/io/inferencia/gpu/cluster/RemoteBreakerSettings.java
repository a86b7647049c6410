package io.inferencia.gpu.cluster;

import com.typesafe.config.Config;
import io.inferencia.protocols.config.SettingReader;
import java.time.Duration;

/**
 * The circuit breaker an edge keeps per gpu node ({@code inference.remote-breaker}): opened by
 * {@code maxFailures} failed calls in a row (the node answered INTERNAL, or did not answer within a
 * call's time of at least {@code callTimeout}); while open the node takes no new call from this edge for
 * {@code resetTimeout}, doubling up to {@code maxResetTimeout} while its trial calls keep failing.
 */
public record RemoteBreakerSettings(int maxFailures, Duration callTimeout, Duration resetTimeout, Duration maxResetTimeout) {
  private static final String SECTION = "inference.remote-breaker";

  public static RemoteBreakerSettings fromRoot(Config root) {
    SettingReader r = new SettingReader(root.getConfig(SECTION), SECTION);
    RemoteBreakerSettings s = new RemoteBreakerSettings(
        r.positiveInt("max-failures", "INFERENCE_BREAKER_MAX_FAILURES"),
        r.positiveDuration("call-timeout", null),
        r.positiveDuration("reset-timeout", "INFERENCE_BREAKER_RESET_TIMEOUT"),
        r.positiveDuration("max-reset-timeout", null));
    if (s.maxResetTimeout.compareTo(s.resetTimeout) < 0)
      throw r.invalid("max-reset-timeout", null, "must be at least reset-timeout (" + s.resetTimeout + ")");
    return s;
  }
}

package io.inferencia.gpu.repository;

import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelParameter;
import java.util.Locale;

/** How a model's requests are grouped: the config parameter {@code batching_mode}. */
public enum BatchingMode {
  /** Every request runs alone. */
  OFF,
  /** Triton's dynamic batcher: wait for a preferred size or the queue delay. */
  FIXED,
  /** The batch-size cap is learned online from measured throughput (see AdaptiveBatchSizer). */
  ADAPTIVE;

  public static final String PARAMETER = "batching_mode";

  /** The mode a validated config asks for; defaults to FIXED with dynamic_batching, else OFF. */
  public static BatchingMode of(ModelConfig config) {
    ModelParameter p = config.getParametersMap().get(PARAMETER);
    if (p == null) return config.hasDynamicBatching() ? FIXED : OFF;
    return valueOf(p.getStringValue().toUpperCase(Locale.ROOT));
  }

  static boolean isValid(String value) {
    for (BatchingMode m : values()) if (m.name().equalsIgnoreCase(value)) return true;
    return false;
  }
}

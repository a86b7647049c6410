package io.inferencia.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.junit.jupiter.api.Test;

class InferenceSettingsTest {
  @Test
  void responseCacheIsOffByDefaultAndItsSizeIsChecked() {
    assertEquals(0, InferenceSettings.fromRoot(ConfigFactory.load()).responseCacheBytes());
    assertEquals(64L << 20, InferenceSettings.fromRoot(with("64MiB")).responseCacheBytes());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> InferenceSettings.fromRoot(with("lots")));
    assertTrue(bad.getMessage().contains("inference.response-cache.max-bytes (INFERENCE_RESPONSE_CACHE_BYTES) must be a size"),
        bad.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> InferenceSettings.fromRoot(with("-1")));
    assertTrue(negative.getMessage().contains("INFERENCE_RESPONSE_CACHE_BYTES"), negative.getMessage());
  }

  private static Config with(String size) {
    return ConfigFactory.load().withValue("inference.response-cache.max-bytes", ConfigValueFactory.fromAnyRef(size));
  }
}

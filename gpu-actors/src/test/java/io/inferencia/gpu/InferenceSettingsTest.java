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
    assertTrue(bad.getMessage().startsWith("INFERENCE_RESPONSE_CACHE_BYTES (inference.response-cache.max-bytes): 'lots' is not a size"),
        bad.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> InferenceSettings.fromRoot(with("-1")));
    assertTrue(negative.getMessage().contains("INFERENCE_RESPONSE_CACHE_BYTES"), negative.getMessage());
  }

  @Test
  void strictReadinessAcceptsOnlyABoolean() {
    Config maybe = ConfigFactory.load().withValue("inference.strict-readiness", ConfigValueFactory.fromAnyRef("maybe"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferenceSettings.fromRoot(maybe));
    assertEquals("STRICT_READINESS (inference.strict-readiness): 'maybe' is not a boolean (accepts on/off, true/false, yes/no)",
        e.getMessage());
    Config off = ConfigFactory.load().withValue("inference.strict-readiness", ConfigValueFactory.fromAnyRef("off"));
    assertEquals(false, InferenceSettings.fromRoot(off).strictReadiness());
  }

  @Test
  void askTimeoutMustBeADuration() {
    Config bad = ConfigFactory.load().withValue("inference.ask-timeout", ConfigValueFactory.fromAnyRef("soon"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferenceSettings.fromRoot(bad));
    assertTrue(e.getMessage().startsWith("INFERENCE_ASK_TIMEOUT (inference.ask-timeout): 'soon' is not a duration"),
        e.getMessage());
  }

  @Test
  void spillAfterIsFourAndMustBePositive() {
    assertEquals(4, InferenceSettings.fromRoot(ConfigFactory.load()).placement().spillAfter());
    Config zero = ConfigFactory.load().withValue("inference.placement.spill-after", ConfigValueFactory.fromAnyRef(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferenceSettings.fromRoot(zero));
    assertTrue(e.getMessage().startsWith("INFERENCE_SPILL_AFTER (inference.placement.spill-after)"), e.getMessage());
  }

  @Test
  void memoryBudgetIsASizeOrAShareOfTheContainersMemory() {
    assertEquals(4L << 30, budget("4GiB"));
    long half = budget("50%");
    long limit = io.inferencia.gpu.placement.ContainerMemory.limitBytes();
    assertTrue(Math.abs(half - limit / 2) <= 1, half + " is half of " + limit);
    for (String bad : new String[] {"0%", "150%", "lots%"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> budget(bad));
      assertTrue(e.getMessage().startsWith("INFERENCE_MEMORY_BUDGET (inference.placement.memory-budget): '" + bad + "'"),
          e.getMessage());
    }
  }

  private static long budget(String value) {
    Config c = ConfigFactory.load().withValue("inference.placement.memory-budget", ConfigValueFactory.fromAnyRef(value));
    return InferenceSettings.fromRoot(c).placement().memoryBudgetBytes();
  }

  private static Config with(String size) {
    return ConfigFactory.load().withValue("inference.response-cache.max-bytes", ConfigValueFactory.fromAnyRef(size));
  }
}

package io.inferencia.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** The shipped defaults, read from reference.conf alone (the tests' application.conf lowers some). */
class EdgeSettingsTest {
  @Test
  void shippedDefaults() {
    EdgeSettings settings = EdgeSettings.fromConfig(ConfigFactory.defaultReference());
    assertEquals(64L * 1024 * 1024, settings.maxRequestBytes(), "request body limit: 64 MiB");
  }
}

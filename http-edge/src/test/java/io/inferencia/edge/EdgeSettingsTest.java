package io.inferencia.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** The shipped defaults, read from reference.conf alone (the tests' application.conf lowers some). */
class EdgeSettingsTest {
  @Test
  void shippedDefaults() {
    EdgeSettings settings = EdgeSettings.fromConfig(ConfigFactory.defaultReference());
    assertEquals(64L * 1024 * 1024, settings.maxRequestBytes(), "request body limit: 64 MiB");
    assertFalse(settings.allowClientShm(), "client shared memory is off unless asked for, as in Triton");
    assertFalse(settings.extensions().contains("system_shared_memory"));
  }

  @Test
  void aBadValueNamesItsVariable() {
    var e = assertThrows(IllegalArgumentException.class, () -> EdgeSettings.fromConfig(
        ConfigFactory.parseString("edge.shared-memory.allow-client = maybe").withFallback(ConfigFactory.defaultReference())));
    assertTrue(e.getMessage().startsWith("EDGE_ALLOW_CLIENT_SHM (edge.shared-memory.allow-client): "), e.getMessage());
    var port = assertThrows(IllegalArgumentException.class, () -> EdgeSettings.fromConfig(
        ConfigFactory.parseString("edge.max-request-bytes = lots").withFallback(ConfigFactory.defaultReference())));
    assertTrue(port.getMessage().startsWith("EDGE_MAX_REQUEST_BYTES (edge.max-request-bytes): "), port.getMessage());
  }
}

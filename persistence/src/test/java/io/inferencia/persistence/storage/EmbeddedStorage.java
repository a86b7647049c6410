package io.inferencia.persistence.storage;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;

/** The real configuration path, pointed at an embedded server on a free loopback port in a test directory. */
final class EmbeddedStorage {
  private EmbeddedStorage() {}

  static StorageSettings settings(Path dataDir, String overrides) {
    return StorageSettings.fromConfig(ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseString(
            "storage.embedded { host = \"127.0.0.1\", port = 0, data-dir = \"" + dataDir.toString().replace("\\", "/") + "\" }"))
        .withFallback(ConfigFactory.defaultReference())
        .getConfig("storage"));
  }

  static Storage start(Path dataDir) {
    return Storage.start(settings(dataDir, ""));
  }
}

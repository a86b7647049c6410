package io.inferencia.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.inferencia.gpu.InferenceSettings;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.storage.StorageSettings;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Starts one node: validates the deployment settings, opens object storage and the database, then
 * hands over to the role-based guardian.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommonPoolParallelism.ensure();
    Config config;
    NodeSettings settings;
    StorageSettings storageSettings;
    DatabaseSettings db;
    try {
      Config loaded = ConfigFactory.load();
      settings = NodeSettings.from(loaded);
      config = settings.pekkoOverrides().withFallback(loaded).resolve();
      storageSettings = StorageSettings.fromConfig(config.getConfig("storage"));
      db = DatabaseSettings.fromConfig(config.getConfig("persistence.db"), settings.dataDir());
      InferenceSettings.fromRoot(config);
      io.inferencia.edge.EdgeSettings.fromConfig(config);
    } catch (InvalidSettingException | ConfigException | IllegalArgumentException e) {
      System.err.println("inferencia: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    NodeServices services;
    try {
      services = NodeServices.open(storageSettings, db, settings.startupWait());
    } catch (RuntimeException e) {
      System.err.println("inferencia: could not start: " + e.getMessage());
      System.exit(3);
      return;
    }
    ActorSystem.create(NodeGuardian.create(settings, services), NodeSettings.SYSTEM_NAME,
        db.pekkoConfig().withFallback(config));
  }
}

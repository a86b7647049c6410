package io.inferencia.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.EdgeSettings;
import io.inferencia.edge.auth.Authenticator;
import io.inferencia.edge.uploads.UploadSettings;
import io.inferencia.gpu.InferenceSettings;
import io.inferencia.gpu.cluster.RemoteBreakerSettings;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.jobs.JobSettings;
import io.inferencia.persistence.jobs.JobWorkerSettings;
import io.inferencia.persistence.storage.StorageSettings;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Starts one node: validates the deployment settings, opens object storage and the database, then
 * hands over to the role-based guardian.
 */
public final class Main {
  private Main() {}

  /** Exit status of a node stopped by a bad setting. */
  public static final int INVALID_CONFIGURATION = 2;

  public static void main(String[] args) {
    CommonPoolParallelism.ensure();
    Config config;
    NodeSettings settings;
    StorageSettings storageSettings;
    DatabaseSettings db;
    try {
      Config loaded = ConfigFactory.load();
      settings = NodeSettings.from(loaded);
      config = settings.clusterConfig().withFallback(loaded);
      storageSettings = StorageSettings.fromConfig(config.getConfig("storage"));
      db = DatabaseSettings.fromConfig(config.getConfig("persistence.db"), settings.dataDir());
      checkTheOtherSections(config, settings);
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("inferencia: invalid configuration: " + e.getMessage());
      System.exit(INVALID_CONFIGURATION);
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
        db.dialectConfig().withFallback(config));
  }

  /**
   * Reads every settings section the node's services read later, so that a bad value stops the node here,
   * with the variable's name, rather than one of its services after the node has started.
   */
  static void checkTheOtherSections(Config config, NodeSettings settings) {
    if (settings.hasRole(NodeRole.GPU)) NodeSettings.modelRepository(config);
    InferenceSettings.fromRoot(config);
    RemoteBreakerSettings.fromRoot(config);
    EdgeSettings.fromConfig(config);
    UploadSettings.fromConfig(config.getConfig("uploads"), "");
    Authenticator.fromConfig(config.getConfig("api"));
    JobSettings.fromConfig(config.getConfig("jobs"));
    JobWorkerSettings.fromConfig(config.getConfig("jobs"));
    DatabaseSettings.probeFromConfig(config.getConfig("persistence.db"));
    NodeMetrics.sampleRatio(config);
    String logFormat = config.getString("logging.format");
    if (!logFormat.equals("text") && !logFormat.equals("json"))
      throw new IllegalArgumentException("logging.format (LOG_FORMAT) must be text or json, got '" + logFormat + "'");
  }
}

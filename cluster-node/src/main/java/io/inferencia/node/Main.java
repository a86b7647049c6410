package io.inferencia.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;

/** Starts one node: validates the deployment settings, then hands over to the role-based guardian. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommonPoolParallelism.ensure();
    Config loaded;
    NodeSettings settings;
    try {
      loaded = ConfigFactory.load();
      settings = NodeSettings.from(loaded);
    } catch (InvalidSettingException | ConfigException e) {
      System.err.println("inferencia: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Config config = settings.pekkoOverrides().withFallback(loaded).resolve();
    ActorSystem.create(NodeGuardian.create(settings), NodeSettings.SYSTEM_NAME, config);
  }
}

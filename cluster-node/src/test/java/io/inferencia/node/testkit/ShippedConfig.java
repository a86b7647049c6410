package io.inferencia.node.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.inferencia.node.Main;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.Map;

/**
 * The node's shipped configuration (its own application.conf over every reference.conf on the classpath) resolved
 * as the node resolves it, with {@code env} standing in for the process environment: each {@code ${?VAR}}
 * of the .conf files is looked up there, so a test exercises the real variable wiring.
 */
public final class ShippedConfig {
  private ShippedConfig() {}

  public static Config withEnv(Map<String, String> env) {
    // A ${?VAR} that finds no key VAR in the config falls back to the environment; here the stand-in
    // variables are such root keys, and the real environment is left out.
    return ConfigFactory.parseURL(nodeApplicationConf())
        .withFallback(ConfigFactory.parseResources("reference.conf"))
        .withFallback(ConfigFactory.parseMap(env, "test environment"))
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
  }

  /** cluster-node's own application.conf: the test classpath holds other modules' test ones too. */
  private static URL nodeApplicationConf() {
    try {
      URL classes = Main.class.getProtectionDomain().getCodeSource().getLocation();
      return new URL(classes, "application.conf");
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }
}

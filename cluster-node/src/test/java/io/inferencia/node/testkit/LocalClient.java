package io.inferencia.node.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Config for a client-side actor system next to the node's classpath. */
public final class LocalClient {
  private LocalClient() {}

  /** Plain and local: the node's application.conf on the classpath would make it a cluster member. */
  public static Config config() {
    return ConfigFactory.parseString("pekko.actor.provider = local\npekko.coordinated-shutdown.exit-jvm = off")
        .withFallback(ConfigFactory.load());
  }
}

package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.inferencia.node.testkit.ShippedConfig;
import io.inferencia.protocols.config.InvalidSettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's own settings, read from the shipped .conf files with the environment variables given. */
class NodeSettingsTest {
  @TempDir Path tmp;

  private static NodeSettings from(Map<String, String> env) {
    return NodeSettings.from(ShippedConfig.withEnv(env));
  }

  private static String rejected(Map<String, String> env) {
    return assertThrows(InvalidSettingException.class, () -> from(env)).getMessage();
  }

  @Test
  void defaultsMatchTheContract() {
    NodeSettings s = from(Map.of());
    assertEquals("0.0.0.0", s.host());
    assertEquals("127.0.0.1", s.advertisedHost());
    assertEquals(8558, s.managementPort());
    assertEquals(2551, s.remotePort());
    assertEquals(List.of(), s.seedNodes());
    assertEquals(Set.of(NodeRole.EDGE, NodeRole.GPU), s.roles());
    assertTrue(s.dataDir().isAbsolute());
    assertEquals(Duration.ofSeconds(60), s.startupWait());
  }

  @Test
  void theVariablesReachTheKeysThatUseThem() {
    Config c = ShippedConfig.withEnv(Map.of("HOST", "10.0.0.5", "ADVERTISED_HOST", "node-1", "REMOTE_PORT", "2600",
        "MANAGEMENT_PORT", "8600", "HTTP_PORT", "9080", "GRPC_PORT", "9081", "S3_PORT", "9100",
        "MODEL_REPOSITORY", "/models", "DATA_DIR", "/var/lib/inferencia"));
    NodeSettings s = NodeSettings.from(c);
    assertEquals(2600, s.remotePort());
    assertEquals(8600, s.managementPort());
    assertEquals(2600, c.getInt("pekko.remote.artery.canonical.port"));
    assertEquals("node-1", c.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals("10.0.0.5", c.getString("pekko.remote.artery.bind.hostname"));
    assertEquals("10.0.0.5", c.getString("pekko.management.http.bind-hostname"));
    assertEquals(9080, c.getInt("edge.http-port"));
    assertEquals(9081, c.getInt("edge.grpc-port"));
    assertEquals("10.0.0.5", c.getString("edge.host"));
    assertEquals(9100, c.getInt("storage.embedded.port"));
    assertEquals("10.0.0.5", c.getString("storage.embedded.host"));
    assertEquals("node-1", c.getString("storage.embedded.advertised-host"));
    assertEquals("/var/lib/inferencia/s3", c.getString("storage.embedded.data-dir"));
    assertEquals("/models", c.getString("inference.model-repository"));
  }

  @Test
  void startupWaitIsADuration() {
    assertEquals(Duration.ofMinutes(2), from(Map.of("STARTUP_WAIT", "2m")).startupWait());
    assertEquals(Duration.ZERO, from(Map.of("STARTUP_WAIT", "0s")).startupWait());
    assertTrue(rejected(Map.of("STARTUP_WAIT", "soon")).startsWith("STARTUP_WAIT (node.startup-wait): 'soon' is not a duration"));
    assertTrue(rejected(Map.of("STARTUP_WAIT", "-5s")).startsWith("STARTUP_WAIT (node.startup-wait): '-5s' must not be negative"));
  }

  @Test
  void rolesAndSeedsBecomeClusterSettings() {
    NodeSettings s = from(Map.of("NODE_ROLES", "gpu",
        "SEED_NODES", "pekko://inferencia@10.0.0.1:2551, pekko://inferencia@node-2:2552"));
    assertEquals(Set.of(NodeRole.GPU), s.roles());
    assertEquals(List.of("pekko://inferencia@10.0.0.1:2551", "pekko://inferencia@node-2:2552"), s.seedNodes());
    Config cluster = s.clusterConfig();
    assertEquals(List.of("gpu"), cluster.getStringList("pekko.cluster.roles"));
    assertEquals(s.seedNodes(), cluster.getStringList("pekko.cluster.seed-nodes"));
  }

  @Test
  void badPortNamesTheVariable() {
    assertEquals("REMOTE_PORT (pekko.remote.artery.canonical.port): 'eighty' is not a port number (accepts 0-65535)",
        rejected(Map.of("REMOTE_PORT", "eighty")));
    assertTrue(rejected(Map.of("MANAGEMENT_PORT", "70000")).startsWith("MANAGEMENT_PORT (pekko.management.http.port): '70000'"));
  }

  @Test
  void unknownRoleIsRejected() {
    String e = rejected(Map.of("NODE_ROLES", "edge,tpu"));
    assertTrue(e.startsWith("NODE_ROLES (node.roles): unknown role 'tpu'"), e);
    assertTrue(rejected(Map.of("NODE_ROLES", " , ")).startsWith("NODE_ROLES"));
  }

  @Test
  void malformedSeedIsRejected() {
    assertTrue(rejected(Map.of("SEED_NODES", "akka://other@host:2551")).startsWith("SEED_NODES (node.seed-nodes):"));
  }

  @Test
  void missingModelRepositoryIsRejected() {
    Config c = ShippedConfig.withEnv(Map.of("MODEL_REPOSITORY", tmp.resolve("nope").toString()));
    var e = assertThrows(InvalidSettingException.class, () -> NodeSettings.modelRepository(c));
    assertTrue(e.getMessage().startsWith("MODEL_REPOSITORY (inference.model-repository): "), e.getMessage());
  }

  @Test
  void dataDirThatIsAFileIsRejected() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertTrue(rejected(Map.of("DATA_DIR", file.toString())).startsWith("DATA_DIR (node.data-dir): "));
  }
}

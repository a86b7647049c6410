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
  void kubernetesDiscoveryConfiguresClusterBootstrap() {
    assertEquals(NodeSettings.Discovery.SEEDS, from(Map.of()).discovery());
    Map<String, String> env = Map.of("DISCOVERY_METHOD", "kubernetes-api", "BOOTSTRAP_SERVICE_NAME", "ocr-prod",
        "BOOTSTRAP_REQUIRED_CONTACT_POINTS", "3");
    assertEquals(NodeSettings.Discovery.KUBERNETES_API, from(env).discovery());
    Config c = ShippedConfig.withEnv(env);
    String points = "pekko.management.cluster.bootstrap.contact-point-discovery.";
    assertEquals("ocr-prod", c.getString(points + "service-name"));
    assertEquals(3, c.getInt(points + "required-contact-point-nr"));
    assertEquals("kubernetes-api", c.getString(points + "discovery-method"));
    assertEquals("management", c.getString(points + "port-name"));
    assertEquals("app.kubernetes.io/part-of=%s", c.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
  }

  @Test
  void kubernetesDiscoveryRefusesSeedsAndBadValues() {
    assertTrue(rejected(Map.of("DISCOVERY_METHOD", "dns")).startsWith(
        "DISCOVERY_METHOD (node.discovery): 'dns' is not a discovery method (accepts seeds, kubernetes-api)"));
    assertTrue(rejected(Map.of("DISCOVERY_METHOD", "kubernetes-api", "SEED_NODES", "pekko://inferencia@a:2551"))
        .contains("leave SEED_NODES empty"));
    assertTrue(rejected(Map.of("DISCOVERY_METHOD", "kubernetes-api", "BOOTSTRAP_REQUIRED_CONTACT_POINTS", "0"))
        .startsWith("BOOTSTRAP_REQUIRED_CONTACT_POINTS"));
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

  @Test
  void theJournalFollowsTheDatabaseVariables() {
    Config c = ShippedConfig.withEnv(Map.of("DB_URL", "jdbc:postgresql://db:5432/jobs", "DB_USER", "svc",
        "DB_PASSWORD", "s3cret", "DB_POOL_SIZE", "12"));
    var db = io.inferencia.persistence.db.DatabaseSettings.fromConfig(c.getConfig("persistence.db"), tmp);
    Config node = db.dialectConfig().withFallback(c);
    assertEquals("jdbc-journal", node.getString("pekko.persistence.journal.plugin"));
    assertEquals("jdbc-snapshot-store", node.getString("pekko.persistence.snapshot-store.plugin"));
    Config slick = node.getConfig("pekko-persistence-jdbc.shared-databases.slick");
    assertEquals("slick.jdbc.PostgresProfile$", slick.getString("profile"));
    assertEquals("org.postgresql.Driver", slick.getString("db.driver"));
    assertEquals("jdbc:postgresql://db:5432/jobs", slick.getString("db.url"));
    assertEquals("svc", slick.getString("db.user"));
    assertEquals("s3cret", slick.getString("db.password"));
    assertEquals(12, slick.getInt("db.numThreads"));
    assertEquals(12, slick.getInt("db.maxConnections"));
    assertEquals(12, node.getInt("pekko.projection.jdbc.blocking-jdbc-dispatcher.thread-pool-executor.fixed-pool-size"));
    assertEquals("postgres-dialect", node.getString("pekko.projection.jdbc.dialect"));
    assertEquals(Duration.ofSeconds(1), node.getDuration("jdbc-journal.circuit-breaker.reset-timeout"));
    assertEquals(Duration.ofSeconds(1), node.getDuration("jdbc-snapshot-store.circuit-breaker.reset-timeout"));
  }

  @Test
  void withoutADatabaseUrlTheJournalIsTheEmbeddedH2File() {
    Config c = ShippedConfig.withEnv(Map.of("DATA_DIR", tmp.toString()));
    var db = io.inferencia.persistence.db.DatabaseSettings.fromConfig(c.getConfig("persistence.db"), tmp);
    Config slick = db.dialectConfig().withFallback(c).getConfig("pekko-persistence-jdbc.shared-databases.slick");
    assertEquals("slick.jdbc.H2Profile$", slick.getString("profile"));
    assertTrue(slick.getString("db.url").startsWith("jdbc:h2:file:" + tmp.resolve("db")), slick.getString("db.url"));
    assertEquals(8, slick.getInt("db.numThreads"));
  }

  @Test
  void theSplitBrainResolverStrategyIsCheckedByItsVariable() {
    var ok = com.typesafe.config.ConfigFactory.parseString(
        "pekko.cluster.split-brain-resolver { active-strategy = keep-oldest, stable-after = 7s }");
    NodeSettings.checkDowning(ok);
    var wrong = com.typesafe.config.ConfigFactory.parseString(
        "pekko.cluster.split-brain-resolver { active-strategy = keep-biggest, stable-after = 7s }");
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.inferencia.protocols.config.InvalidSettingException.class,
        () -> NodeSettings.checkDowning(wrong));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("SBR_STRATEGY"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("keep-biggest"), e.getMessage());
  }
}

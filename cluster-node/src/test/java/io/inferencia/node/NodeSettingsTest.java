package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSettingsTest {
  @TempDir Path tmp;

  private Config with(Map<String, String> node) throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Map<String, Object> values = new java.util.HashMap<>();
    values.put("node.model-repository", repo.toString());
    node.forEach((k, v) -> values.put("node." + k, v));
    return ConfigFactory.parseMap(values).withFallback(ConfigFactory.parseResources("node.conf")).resolve();
  }

  @Test
  void defaultsMatchTheContract() throws Exception {
    NodeSettings s = NodeSettings.from(with(Map.of()));
    assertEquals(8080, s.httpPort());
    assertEquals(8081, s.grpcPort());
    assertEquals(8558, s.managementPort());
    assertEquals(2551, s.remotePort());
    assertEquals(9000, s.s3Port());
    assertEquals(List.of(), s.seedNodes());
    assertEquals(Set.of(NodeRole.EDGE, NodeRole.GPU), s.roles());
    assertTrue(s.dataDir().isAbsolute());
    assertEquals(java.time.Duration.ofSeconds(60), s.startupWait());
  }

  @Test
  void startupWaitIsADuration() throws Exception {
    assertEquals(java.time.Duration.ofMinutes(2), NodeSettings.from(with(Map.of("startup-wait", "2m"))).startupWait());
    assertEquals(java.time.Duration.ZERO, NodeSettings.from(with(Map.of("startup-wait", "0s"))).startupWait());
    var e = assertThrows(InvalidSettingException.class,
        () -> NodeSettings.from(with(Map.of("startup-wait", "soon"))));
    assertTrue(e.getMessage().startsWith("STARTUP_WAIT"), e.getMessage());
    assertThrows(InvalidSettingException.class, () -> NodeSettings.from(with(Map.of("startup-wait", "-5s"))));
  }

  @Test
  void overridesAreParsed() throws Exception {
    NodeSettings s = NodeSettings.from(with(Map.of(
        "http-port", "18080", "roles", "gpu",
        "seed-nodes", "pekko://inferencia@10.0.0.1:2551, pekko://inferencia@node-2:2552")));
    assertEquals(18080, s.httpPort());
    assertEquals(Set.of(NodeRole.GPU), s.roles());
    assertEquals(List.of("pekko://inferencia@10.0.0.1:2551", "pekko://inferencia@node-2:2552"), s.seedNodes());
    Config pekko = s.pekkoOverrides();
    assertEquals(List.of("gpu"), pekko.getStringList("pekko.cluster.roles"));
    assertEquals(2551, pekko.getInt("pekko.remote.artery.canonical.port"));
  }

  @Test
  void badPortNamesTheVariable() {
    var e = assertThrows(InvalidSettingException.class,
        () -> NodeSettings.from(with(Map.of("http-port", "eighty"))));
    assertTrue(e.getMessage().startsWith("HTTP_PORT"), e.getMessage());
    assertTrue(e.getMessage().contains("'eighty'"), e.getMessage());
    var big = assertThrows(InvalidSettingException.class,
        () -> NodeSettings.from(with(Map.of("grpc-port", "70000"))));
    assertTrue(big.getMessage().startsWith("GRPC_PORT"), big.getMessage());
  }

  @Test
  void unknownRoleIsRejected() {
    var e = assertThrows(InvalidSettingException.class,
        () -> NodeSettings.from(with(Map.of("roles", "edge,tpu"))));
    assertTrue(e.getMessage().startsWith("NODE_ROLES"), e.getMessage());
    assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
    assertThrows(InvalidSettingException.class, () -> NodeSettings.from(with(Map.of("roles", " , "))));
  }

  @Test
  void malformedSeedIsRejected() {
    var e = assertThrows(InvalidSettingException.class,
        () -> NodeSettings.from(with(Map.of("seed-nodes", "akka://other@host:2551"))));
    assertTrue(e.getMessage().startsWith("SEED_NODES"), e.getMessage());
  }

  @Test
  void missingModelRepositoryIsRejected() throws Exception {
    var e = assertThrows(InvalidSettingException.class,
        () -> NodeSettings.from(with(Map.of("model-repository", tmp.resolve("nope").toString()))));
    assertTrue(e.getMessage().startsWith("MODEL_REPOSITORY"), e.getMessage());
  }

  @Test
  void dataDirThatIsAFileIsRejected() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    var e = assertThrows(InvalidSettingException.class,
        () -> NodeSettings.from(with(Map.of("data-dir", file.toString()))));
    assertTrue(e.getMessage().startsWith("DATA_DIR"), e.getMessage());
  }
}

package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.node.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packaged node (cluster-node.jar) given one bad environment variable: it exits at start with status 2
 * and a message naming the variable and what it accepts, before it opens storage or binds a port.
 */
class NodeSettingsIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "STRICT_READINESS       | maybe  | STRICT_READINESS (inference.strict-readiness): 'maybe' is not a boolean (accepts on/off, true/false, yes/no)",
      "UPLOAD_URL_TTL         | banana | UPLOAD_URL_TTL (uploads.url-ttl): 'banana' is not a duration (accepts e.g. 500ms, 30s, 15m, 1h)",
      "JOB_WORKER_PARALLELISM | -1     | JOB_WORKER_PARALLELISM (jobs.worker.parallelism): '-1' is not a whole number of at least 1",
      "HTTP_PORT              | eighty | HTTP_PORT (edge.http-port): 'eighty' is not a port number (accepts 0-65535)",
      "NODE_ROLES             | edge,tpu | NODE_ROLES (node.roles): unknown role 'tpu'",
  })
  void aBadValueStopsTheNodeNamingTheVariable(String variable, String value, String message) throws Exception {
    NodeProcess node = NodeProcess.launch(JAR, REPO, Files.createTempDirectory("node-bad"), Map.of(variable, value));
    assertEquals(Main.INVALID_CONFIGURATION, node.awaitExit(Duration.ofSeconds(60)), node.output());
    assertTrue(node.output().contains("inferencia: invalid configuration: " + message), node.output());
  }
}

package io.inferencia.k8s;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The edge pod of the local overlay as the packaged node: started with the pod's environment (its
 * ConfigMap and literal values; the database, storage and discovery swapped for embedded ones, since
 * no Kubernetes API or PostgreSQL runs here) and no port variable, so it binds its defaults. Every
 * container port of the manifest must then be a port the node listens on, and every probe must answer
 * 200 on the path and port it names.
 */
class ManifestPortsTest {
  private static final Path K8S = Path.of(System.getProperty("k8s.dir"));
  private static final Path JAR = Path.of(System.getProperty("node.jar"));

  @Test
  void theEdgePodsPortsAndProbesAreServedByTheNode() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "the packaged node is built first (mvn package): " + JAR);
    RenderedManifests m = RenderedManifests.render(K8S, "local");
    Deployment edge = m.deployment("edge");
    Container node = edge.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = new HashMap<>(m.environment("edge"));
    Path data = Files.createTempDirectory("manifest-edge");
    env.putAll(Map.of("DISCOVERY_METHOD", "seeds", "ADVERTISED_HOST", "127.0.0.1", "DB_URL", "", "DB_USER", "sa",
        "DB_PASSWORD", "", "S3_ENDPOINT", "", "S3_PUBLIC_ENDPOINT", "", "S3_ACCESS_KEY", "", "S3_SECRET_KEY", "",
        "DATA_DIR", data.toString()));
    env.remove("MODEL_REPOSITORY");
    Path log = Files.createTempFile("manifest-edge", ".log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process process = pb.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      int management = port(node, "management");
      try {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
            .until(() -> process.isAlive() && get(http, management, "/ready") == 200);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("the node never got ready on the manifest's management port:\n" + Files.readString(log), e);
      }
      // Each probe as the kubelet runs it: periodically, until it passes (a check may time out once on a
      // node still warming up on a busy machine, which a kubelet's failureThreshold absorbs too).
      for (Probe probe : new Probe[] {node.getStartupProbe(), node.getReadinessProbe(), node.getLivenessProbe()}) {
        int port = port(node, probe.getHttpGet().getPort().getStrVal());
        int[] last = {0};
        try {
          await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
              .until(() -> (last[0] = get(http, port, probe.getHttpGet().getPath())) == 200);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError(probe.getHttpGet() + " answered " + last[0] + ", not 200:\n" + Files.readString(log), e);
        }
      }
      for (ContainerPort p : node.getPorts())
        try (Socket s = new Socket("127.0.0.1", p.getContainerPort())) {
          assertTrue(s.isConnected(), p.getName());
        } catch (IOException refused) {
          throw new AssertionError("nothing listens on " + p.getName() + " port " + p.getContainerPort() + ":\n"
              + Files.readString(log), refused);
        }
      // An edge alone is live; KServe readiness also needs a gpu node to serve models.
      assertEquals(200, get(http, port(node, "http"), "/v2/health/live"), "KServe liveness on the http port");
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  private static int port(Container c, String name) {
    return c.getPorts().stream().filter(p -> p.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + name)).getContainerPort();
  }

  private static int get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}

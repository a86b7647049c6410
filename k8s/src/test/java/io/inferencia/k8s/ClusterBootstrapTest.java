package io.inferencia.k8s;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Cluster Bootstrap for real: packaged node JVMs with {@code DISCOVERY_METHOD=kubernetes-api} and no
 * seed list find each other by listing their pods from a Kubernetes API server (fabric8's mock server in
 * CRUD mode, over HTTPS with its own certificate as the cluster CA, a service-account token and
 * namespace file as a pod has them). Each node is a Pod object labelled as the manifests label them,
 * Running, with its management port named {@code management}. Three form one cluster; a fourth started
 * later joins it.
 */
class ClusterBootstrapTest {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final String NAMESPACE = "inferencia-test";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A node as a pod: its ports and its process. */
  private record Node(String name, int management, int remote, Process process, Path log) {}

  @Test
  void threeNodesFormOneClusterThroughTheKubernetesApiAndAFourthJoins() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "the packaged node is built first (mvn package): " + JAR);
    MockWebServer web = new MockWebServer();
    KubernetesMockServer api = new KubernetesMockServer(new Context(), web, new HashMap<>(),
        new JsonCrudDispatcher(), true);
    api.init(InetAddress.getByName("127.0.0.1"), 0);
    Path secrets = Files.createTempDirectory("serviceaccount");
    Files.copy(Path.of(web.getSelfSignedCertificate().certificatePath()), secrets.resolve("ca.crt"));
    Files.writeString(secrets.resolve("token"), "test-token");
    Files.writeString(secrets.resolve("namespace"), NAMESPACE);
    List<Node> nodes = new ArrayList<>();
    try (NamespacedKubernetesClient k8s = api.createClient()) {
      for (int i = 1; i <= 3; i++) nodes.add(start(k8s, api, secrets, "node-" + i, 3));
      long formedFrom = System.nanoTime();
      awaitMembers(nodes, 3);
      double formed = (System.nanoTime() - formedFrom) / 1e9;

      long joinFrom = System.nanoTime();
      nodes.add(start(k8s, api, secrets, "node-4", 3));
      awaitMembers(nodes, 4);
      double joined = (System.nanoTime() - joinFrom) / 1e9;

      Set<String> leaders = new TreeSet<>();
      for (Node n : nodes) leaders.add(members(n).path("leader").asString());
      assertEquals(1, leaders.size(), "one cluster, one leader: " + leaders);
      for (Node n : nodes)
        assertTrue(Files.readString(n.log()).contains("Querying for pods with label selector: [app.kubernetes.io/part-of=inferencia]"),
            n.name() + " found its contact points through the API:\n" + Files.readString(n.log()));
      System.out.printf("Cluster Bootstrap over the Kubernetes API: 3 nodes formed one cluster %.1f s after the"
          + " last started; a 4th joined %.1f s after it started%n", formed, joined);
    } finally {
      for (Node n : nodes) n.process().destroy();
      for (Node n : nodes) n.process().waitFor();
      api.destroy();
    }
  }

  private static Node start(NamespacedKubernetesClient k8s, KubernetesMockServer api, Path secrets, String name,
      int requiredContactPoints) throws IOException {
    int management = freePort();
    int remote = freePort();
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE)
            .addToLabels("app.kubernetes.io/part-of", "inferencia").addToLabels("app.kubernetes.io/component", "edge")
        .endMetadata()
        .withNewSpec().addNewContainer().withName("node").withImage("inferencia-node")
            .addNewPort().withName("management").withContainerPort(management).endPort()
            .addNewPort().withName("remoting").withContainerPort(remote).endPort()
        .endContainer().endSpec()
        .build();
    k8s.pods().inNamespace(NAMESPACE).resource(pod).create();
    Pod running = new PodBuilder(k8s.pods().inNamespace(NAMESPACE).withName(name).get())
        .withNewStatus().withPhase("Running").withPodIP("127.0.0.1").endStatus().build();
    k8s.pods().inNamespace(NAMESPACE).resource(running).updateStatus();

    Path log = Files.createTempFile("bootstrap-" + name + "-", ".log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m",
        "-Dpekko.discovery.kubernetes-api.api-ca-path=" + secrets.resolve("ca.crt"),
        "-Dpekko.discovery.kubernetes-api.api-token-path=" + secrets.resolve("token"),
        "-Dpekko.discovery.kubernetes-api.pod-namespace-path=" + secrets.resolve("namespace"),
        "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.putAll(Map.of("NODE_ROLES", "edge", "DISCOVERY_METHOD", "kubernetes-api",
        "BOOTSTRAP_REQUIRED_CONTACT_POINTS", Integer.toString(requiredContactPoints),
        "KUBERNETES_SERVICE_HOST", "localhost", "KUBERNETES_SERVICE_PORT", Integer.toString(api.getPort()),
        "ADVERTISED_HOST", "127.0.0.1", "MANAGEMENT_PORT", Integer.toString(management),
        "REMOTE_PORT", Integer.toString(remote), "HTTP_PORT", Integer.toString(freePort()),
        "GRPC_PORT", Integer.toString(freePort())));
    env.put("S3_PORT", Integer.toString(freePort()));
    env.put("DATA_DIR", Files.createTempDirectory(name).toString());
    env.remove("SEED_NODES");
    return new Node(name, management, remote, pb.start(), log);
  }

  private static void awaitMembers(List<Node> nodes, int n) throws IOException {
    try {
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
        for (Node node : nodes) {
          if (!node.process().isAlive()) throw new AssertionError(node.name() + " exited:\n" + Files.readString(node.log()));
          int up = 0;
          for (JsonNode m : members(node).path("members")) if (m.path("status").asString().equals("Up")) up++;
          if (up != n) return false;
        }
        return true;
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      StringBuilder logs = new StringBuilder();
      for (Node node : nodes) {
        String text = Files.readString(node.log());
        logs.append("--- ").append(node.name()).append('\n').append(text, Math.max(0, text.length() - 3000), text.length());
      }
      throw new AssertionError("no cluster of " + n + " Up members:\n" + logs, e);
    }
  }

  /** Pekko Management's {@code GET /cluster/members} on the node. */
  private static JsonNode members(Node node) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.management() + "/cluster/members")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static final Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A free port below the ephemeral range, never handed out twice (as the node tests pick theirs). */
  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12000);
      if (!HANDED_OUT.add(port)) continue;
      try (ServerSocket s = new ServerSocket(port)) {
        return s.getLocalPort();
      } catch (IOException inUse) {
        // taken: try another
      }
    }
    throw new IOException("no free port");
  }
}

package io.inferencia.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.node.conformance.Samples;
import static io.inferencia.node.testkit.AdminViews.placedOn;
import static io.inferencia.node.testkit.AdminViews.readyOn;

import io.inferencia.node.testkit.AdminViews;
import io.inferencia.node.testkit.GpuClusterEnv;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.node.testkit.OcrClsCopy;
import io.inferencia.node.testkit.ShippedModel;
import io.inferencia.node.testkit.SteadyLoad;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gpu node that joins while demand is unmet receives a replica within 5 s (packaged jars on loopback,
 * an edge-only node in front, one PostgreSQL). {@code cls_hot} (min_replicas 0, max_replicas 2,
 * target_in_flight 1) is loaded on demand on the one gpu node; a steady load wants two replicas, so one
 * is unmet demand ({@code inferencia_placement_unmet_replicas}, on the gpu node's management port) for longer than the upscale delay (10 s,
 * as shipped). A second gpu node then joins: the controller warms cls_hot there at its next decision,
 * the edge spreads the load over both, and the unmet demand goes back to 0. No request fails.
 */
class GpuNodeJoinIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path SHIPPED = Path.of(System.getProperty("model.repository"));
  private static final String SECRET = "join-test-secret-71c4";
  private static final int CLIENTS = 8;
  private static final long[] BATCH = {32, 3, 48, 192};

  @Test
  void aGpuNodeThatJoinsUnderUnmetDemandReceivesAReplicaWithinFiveSeconds() throws Exception {
    Path repo = Files.createTempDirectory("join-repo");
    ShippedModel.linkAll(SHIPPED, repo, List.of("ocr_cls"));
    OcrClsCopy.add(SHIPPED, repo, "cls_hot", OcrClsCopy.parameter("min_replicas", "0")
        + OcrClsCopy.parameter("max_replicas", "2") + OcrClsCopy.parameter("target_in_flight", "1"));
    DatabaseSettings db = TestDatabases.freshPostgres();
    GpuClusterEnv env = GpuClusterEnv.on(db, SECRET);
    Map<String, String> gpuOnly = env.gpuOnly(Map.of());
    try (NodeProcess edge = NodeProcess.launch(JAR, repo, Files.createTempDirectory("edge-node"), env.edgeOnly());
        NodeProcess gpuA = NodeProcess.launch(JAR, repo, Files.createTempDirectory("gpu-a"), gpuOnly)) {
      edge.awaitReady(Duration.ofSeconds(240));
      RestClient rest = new RestClient("127.0.0.1", edge.httpPort);
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> rest.get("/v1/admin/nodes").json().get("nodes").size() == 1);

      // Binary tensors (Triton's extension): the gpu node, not JSON at the edge, is what the load keeps busy.
      byte[] tensor = littleEndian(Samples.clsInput(32, 7));
      SteadyLoad load = SteadyLoad.start(CLIENTS, client -> {
        RestClient mine = new RestClient("127.0.0.1", edge.httpPort);
        InferBody body = InferBody.builder().binaryInput("x", "FP32", BATCH, tensor).build();
        return i -> {
          RestClient.Response r = mine.post("/v2/models/cls_hot/infer", body);
          return r.status() == 200 ? null : r.status() + " " + new String(r.body());
        };
      });
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> unmet(gpuA) >= 1);
      long unmetFrom = System.nanoTime();
      Thread.sleep(12_000); // past the upscale delay: the demand has waited for a node, not for the delay

      try (NodeProcess gpuB = NodeProcess.launch(JAR, repo, Files.createTempDirectory("gpu-b"), gpuOnly)) {
        long launched = System.nanoTime();
        String addressB = "pekko://inferencia@127.0.0.1:" + gpuB.remotePort;
        awaitManagementReady(gpuB);
        long joined = System.nanoTime();
        // Received: the controller placed the replica there (its load started). How long the load then
        // takes is the model's and the machine's, not the cluster's: it is printed, and bounded loosely.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
            .until(() -> placedOn(rest, "cls_hot").contains(addressB));
        long placed = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
            .until(() -> readyOn(rest, "cls_hot").contains(addressB));
        long received = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
            .until(() -> unmet(gpuA) == 0);
        load.awaitMore(100, Duration.ofSeconds(60));
        load.stop();
        double placedAfterReady = Math.max(0, (placed - joined) / 1e9);
        double afterReady = Math.max(0, (received - joined) / 1e9);
        System.out.printf("a gpu node joining under unmet demand (cls_hot wants 2 replicas, 1 placed, unmet for %.1f s):"
                + " ready %.1f s after its launch, cls_hot placed on it %.1f s and READY %.1f s after it was ready"
                + " (%.1f s after launch); %d requests served, %d failed%n",
            (joined - unmetFrom) / 1e9, (joined - launched) / 1e9, placedAfterReady, afterReady,
            (received - launched) / 1e9, load.served(), load.failures().size());
        load.assertNoFailures("requests");
        assertTrue(placedAfterReady <= 5.0, "the joining node got its replica " + placedAfterReady + " s after it was ready");
      }
    } finally {
      TestDatabases.dropPostgres(db);
    }
  }

  /** Waits for the node's management /ready: joined, journal reachable, its devices registered. */
  private static void awaitManagementReady(NodeProcess node) {
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + node.managementPort + "/ready");
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() ->
        http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  /**
   * The controller's unmet replicas, from gpu node A's management port (the controller runs there, on
   * the oldest gpu node; a gpu-only node has no REST port). 0 when not there yet.
   */
  private static long unmet(NodeProcess gpuA) throws Exception {
    return AdminViews.metric(AdminViews.managementMetrics(gpuA), "inferencia_placement_unmet_replicas");
  }


  private static byte[] littleEndian(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) b.putFloat(v);
    return b.array();
  }
}

package io.inferencia.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.testkit.GpuClusterEnv;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.node.testkit.OcrClsCopy;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The placement controller scales a model's replicas over two gpu nodes by load (packaged jars on
 * loopback behind an edge-only node, one PostgreSQL): {@code cls_scale} with min_replicas 1,
 * max_replicas 2 and target_in_flight 1, upscale delay 2 s, downscale delay 6 s. Both gpu nodes load it
 * at start; idle, one copy is released; a load step brings the second replica back; once the load stops
 * it is released again. No request fails.
 */
class ReplicaAutoscalingIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path SHIPPED = Path.of(System.getProperty("model.repository"));
  private static final String SECRET = "autoscaling-test-secret-0b9e";
  private static final int CLIENTS = 8;
  private static final long[] BATCH = {32, 3, 48, 192};

  @Test
  void replicasFollowTheLoadWithinMinAndMax() throws Exception {
    Path repo = repository();
    DatabaseSettings db = TestDatabases.freshPostgres();
    GpuClusterEnv env = GpuClusterEnv.on(db, SECRET);
    Map<String, String> gpuOnly = env.gpuOnly(Map.of("INFERENCE_UPSCALE_DELAY", "2s", "INFERENCE_DOWNSCALE_DELAY", "6s"));
    try (NodeProcess edge = NodeProcess.launch(JAR, repo, Files.createTempDirectory("edge-node"), env.edgeOnly());
        NodeProcess gpuA = NodeProcess.launch(JAR, repo, Files.createTempDirectory("gpu-a"), gpuOnly);
        NodeProcess gpuB = NodeProcess.launch(JAR, repo, Files.createTempDirectory("gpu-b"), gpuOnly)) {
      edge.awaitReady(Duration.ofSeconds(240));
      RestClient rest = new RestClient("127.0.0.1", edge.httpPort);
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
          .until(() -> rest.get("/v1/admin/nodes").json().get("nodes").size() == 2);

      // Idle: one copy of the two loaded at start is released (min_replicas counts the cluster).
      long idleFrom = System.nanoTime();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> replicas(rest) == 1);
      double downAtStart = (System.nanoTime() - idleFrom) / 1e9;
      assertEquals(1, pinned(rest), "the replica left is the pinned one");

      AtomicBoolean on = new AtomicBoolean(true);
      AtomicLong served = new AtomicLong();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> load = new ArrayList<>();
      long stepAt = System.nanoTime();
      for (int c = 0; c < CLIENTS; c++) {
        load.add(clients.submit(() -> {
          RestClient mine = new RestClient("127.0.0.1", edge.httpPort);
          // Binary tensors (Triton's extension): the gpu node, not JSON at the edge, is what the load keeps busy.
          InferBody body = InferBody.builder().binaryInput("x", "FP32", BATCH, littleEndian(Samples.clsInput(32, 7))).build();
          for (long i = 0; on.get(); i++) {
            RestClient.Response r = mine.post("/v2/models/cls_scale/infer", body);
            if (r.status() != 200) failures.add(r.status() + " " + new String(r.body()));
            else served.incrementAndGet();
          }
          return null;
        }));
      }
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> replicas(rest) == 2);
      double upAfter = (System.nanoTime() - stepAt) / 1e9;
      Thread.sleep(3_000); // both replicas serve
      on.set(false);
      for (Future<?> f : load) f.get(2, TimeUnit.MINUTES);
      clients.shutdown();

      long stoppedAt = System.nanoTime();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> replicas(rest) == 1);
      double downAfter = (System.nanoTime() - stoppedAt) / 1e9;
      System.out.printf("autoscaling cls_scale (min 1, max 2, target 1; delays 2 s up, 6 s down): idle at start down"
              + " to 1 replica in %.1f s; load step of %d clients to 2 replicas in %.1f s; back to 1 %.1f s after the"
              + " load stopped; %d requests served, %d failed%n",
          downAtStart, CLIENTS, upAfter, downAfter, served.get(), failures.size());
      assertTrue(failures.isEmpty(), failures.size() + " requests failed, e.g. " + failures.peek());
    } finally {
      TestDatabases.dropPostgres(db);
    }
  }

  private static byte[] littleEndian(float[] values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float v : values) b.putFloat(v);
    return b.array();
  }

  /** The READY replicas of cls_scale, from the edge's admin API. */
  private static int replicas(RestClient rest) {
    int n = 0;
    for (JsonNode r : rest.get("/v1/admin/placement?model=cls_scale").json().get("replicas"))
      if (r.get("state").asText().equals("READY")) n++;
    return n;
  }

  private static int pinned(RestClient rest) {
    int n = 0;
    for (JsonNode r : rest.get("/v1/admin/placement?model=cls_scale").json().get("replicas"))
      if (r.get("state").asText().equals("READY") && r.get("pinned").asBoolean()) n++;
    return n;
  }

  /** The shipped ocr_cls's files as cls_scale, with its replica policy. */
  private static Path repository() throws Exception {
    Path repo = Files.createTempDirectory("autoscaling-repo");
    OcrClsCopy.add(SHIPPED, repo, "cls_scale", OcrClsCopy.parameter("min_replicas", "1")
        + OcrClsCopy.parameter("max_replicas", "2") + OcrClsCopy.parameter("target_in_flight", "1"));
    return repo;
  }

}

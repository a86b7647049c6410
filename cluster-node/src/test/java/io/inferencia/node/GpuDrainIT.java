package io.inferencia.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.node.conformance.Samples;
import static io.inferencia.node.testkit.AdminViews.readyOn;

import io.inferencia.node.testkit.GpuClusterEnv;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.node.testkit.OcrClsCopy;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * An edge-only node in front of two gpu-only nodes (packaged jars on loopback, one PostgreSQL), serving
 * the shipped ocr_cls (pinned: on both) and {@code cls_lazy} (min_replicas 0: loaded on demand, on one).
 * Under a steady load through the edge, the node serving cls_lazy is drained through the admin API:
 * it warms cls_lazy on the other node, finishes what it accepted, leaves and exits; no client sees an
 * error, and cls_lazy serves on from the other node.
 */
class GpuDrainIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path SHIPPED = Path.of(System.getProperty("model.repository"));
  private static final String SECRET = "drain-test-secret-71c3";
  private static final int CLIENTS = 4;
  private static final long[] CLS_SHAPE = {1, 3, 48, 192};

  @Test
  void aDrainedGpuNodeHandsItsVersionsOverAndLeavesWithoutAFailedCall() throws Exception {
    Path repo = repository();
    DatabaseSettings db = TestDatabases.freshPostgres();
    GpuClusterEnv env = GpuClusterEnv.on(db, SECRET);
    Map<String, String> gpuOnly = env.gpuOnly(Map.of());
    try (NodeProcess edge = NodeProcess.launch(JAR, repo, Files.createTempDirectory("edge-node"), env.edgeOnly());
        NodeProcess gpuA = NodeProcess.launch(JAR, repo, Files.createTempDirectory("gpu-a"), gpuOnly);
        NodeProcess gpuB = NodeProcess.launch(JAR, repo, Files.createTempDirectory("gpu-b"), gpuOnly)) {
      edge.awaitReady(Duration.ofSeconds(240));
      RestClient rest = new RestClient("127.0.0.1", edge.httpPort);
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
          .until(() -> rest.get("/v1/admin/nodes").json().get("nodes").size() == 2);

      // cls_lazy loads on the node its first call reaches, and only there.
      assertEquals(200, rest.post("/v2/models/cls_lazy/infer", cls(0)).status());
      String serving = readyOn(rest, "cls_lazy").get(0);
      assertEquals(1, readyOn(rest, "cls_lazy").size());
      NodeProcess drained = port(serving) == remotePort(gpuA) ? gpuA : gpuB;
      NodeProcess staying = drained == gpuA ? gpuB : gpuA;
      Thread.sleep(1_000); // the edge learns where cls_lazy serves (asked twice a second)

      AtomicBoolean on = new AtomicBoolean(true);
      AtomicLong served = new AtomicLong();
      AtomicLong worstMillis = new AtomicLong();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> load = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        load.add(clients.submit(() -> {
          RestClient mine = new RestClient("127.0.0.1", edge.httpPort);
          for (long i = 0; on.get(); i++) {
            String model = (i + client) % 2 == 0 ? "cls_lazy" : "ocr_cls";
            long start = System.nanoTime();
            RestClient.Response r = mine.post("/v2/models/" + model + "/infer", cls(i));
            worstMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
            if (r.status() != 200) failures.add(model + ": " + r.status() + " " + new String(r.body()));
            else served.incrementAndGet();
          }
          return null;
        }));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> served.get() >= 100);

      long drainAt = System.nanoTime();
      RestClient.Response accepted = rest.post("/v1/admin/nodes/" + URLEncoder.encode(serving, StandardCharsets.UTF_8)
          + "/drain", "");
      assertEquals(202, accepted.status(), new String(accepted.body()));
      assertEquals(serving, accepted.json().get("node").asText());
      assertEquals("Up", accepted.json().get("status").asText());
      int exit = drained.awaitExit(Duration.ofSeconds(120));
      double exitedAfter = (System.nanoTime() - drainAt) / 1e9;
      long servedAtExit = served.get();
      await().atMost(Duration.ofSeconds(60)).until(() -> served.get() >= servedAtExit + 100);
      on.set(false);
      for (Future<?> f : load) f.get(2, TimeUnit.MINUTES);
      clients.shutdown();

      String log = drained.output();
      System.out.printf("gpu node drained under %d clients: exited %.1f s after the drain (exit %d); %d calls served,"
              + " worst latency %d ms, %d failed%n", CLIENTS, exitedAfter, exit, served.get(), worstMillis.get(), failures.size());
      assertTrue(failures.isEmpty(), failures.size() + " calls failed, e.g. " + failures.peek());
      assertEquals(0, exit, "a drained node leaves the cluster and exits cleanly:\n" + tail(log));
      // The drain warmed cls_lazy on the other node before the drained one was told to leave.
      String other = "pekko://inferencia@127.0.0.1:" + remotePort(staying);
      String edgeLog = edge.output();
      String drain = "Draining " + serving + ": ";
      assertTrue(edgeLog.contains(drain + "2 version(s) ready on it, 1 of them ready on no other node"), tail(edgeLog));
      assertTrue(edgeLog.contains(drain + "warming model 'cls_lazy' version 1 on " + other), tail(edgeLog));
      int handedOver = edgeLog.indexOf(drain + "every version it served is ready on another node");
      assertTrue(handedOver > 0 && handedOver < edgeLog.indexOf("asking it to leave the cluster"), tail(edgeLog));
      assertEquals(List.of(other), readyOn(rest, "cls_lazy"));
      assertEquals(1, rest.get("/v1/admin/nodes").json().get("nodes").size());
    } finally {
      TestDatabases.dropPostgres(db);
    }
  }

  /** The shipped ocr_cls, and the same files as cls_lazy, loaded on demand. */
  private static Path repository() throws Exception {
    Path repo = Files.createTempDirectory("drain-repo");
    OcrClsCopy.add(SHIPPED, repo, "ocr_cls", "");
    OcrClsCopy.add(SHIPPED, repo, "cls_lazy", OcrClsCopy.parameter("min_replicas", "0"));
    return repo;
  }

  private static InferBody cls(long seed) {
    return InferBody.builder().input("x", "FP32", CLS_SHAPE, Samples.clsInput(1, seed)).build();
  }
  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private static int remotePort(NodeProcess node) throws Exception {
    return node.remotePort;
  }

  private static String tail(String log) {
    return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
  }

}

package io.inferencia.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.testkit.AdminViews;
import io.inferencia.node.testkit.GpuClusterEnv;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.node.testkit.SteadyLoad;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An edge-only node in front of two gpu-only nodes (packaged jars on loopback, one PostgreSQL). Tensors
 * of any size the edge accepts cross nodes both ways (ocr_rec answers 1 MiB of logits), and when one
 * gpu node is killed with SIGKILL under a steady load, the calls it held are sent again to the other:
 * no client sees an error.
 */
class GpuFailoverIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));
  private static final String SECRET = "failover-test-secret-5d2a";
  private static final int CLIENTS = 6;
  private static final long[] CLS_SHAPE = {1, 3, 48, 192};
  private static final long[] REC_SHAPE = {1, 3, 48, 320};

  @Test
  void callsSurviveTheLossOfAGpuNode() throws Exception {
    DatabaseSettings db = TestDatabases.freshPostgres();
    GpuClusterEnv env = GpuClusterEnv.on(db, SECRET);
    Map<String, String> gpuOnly = env.gpuOnly(Map.of());
    try (NodeProcess edge = NodeProcess.launch(JAR, REPO, Files.createTempDirectory("edge-node"), env.edgeOnly());
        NodeProcess gpuA = NodeProcess.launch(JAR, REPO, Files.createTempDirectory("gpu-a"), gpuOnly);
        NodeProcess gpuB = NodeProcess.launch(JAR, REPO, Files.createTempDirectory("gpu-b"), gpuOnly)) {
      edge.awaitReady(Duration.ofSeconds(240));
      RestClient rest = new RestClient("127.0.0.1", edge.httpPort);
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
          .until(() -> metric(rest, "inferencia_cluster_gpu_nodes") == 2);

      // Large tensors both ways: ocr_rec's logits are 40 x 6625 floats per item, over Artery's 256 KiB frame.
      RestClient.Response rec = rest.post("/v2/models/ocr_rec/infer",
          InferBody.builder().input("x", "FP32", REC_SHAPE, new float[3 * 48 * 320]).build());
      assertEquals(200, rec.status(), new String(rec.body()));
      JsonNode out = rec.json().get("outputs").get(0);
      assertEquals(40 * 6625, out.get("data").size(), out.get("shape").toString());

      SteadyLoad load = SteadyLoad.start(CLIENTS, client -> {
        RestClient mine = new RestClient("127.0.0.1", edge.httpPort);
        return i -> {
          boolean big = (i + client) % 4 == 0;
          InferBody body = big
              ? InferBody.builder().input("x", "FP32", REC_SHAPE, new float[3 * 48 * 320]).build()
              : InferBody.builder().input("x", "FP32", CLS_SHAPE, Samples.clsInput(1, i)).build();
          RestClient.Response r = mine.post(big ? "/v2/models/ocr_rec/infer" : "/v2/models/ocr_cls/infer", body);
          return r.status() == 200 ? null : r.status() + " " + new String(r.body());
        };
      });
      load.awaitMore(100, Duration.ofSeconds(60));
      // The node killed is the one hosting the cluster's placement controller (the oldest gpu node).
      String started = "Placement controller started";
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> gpuA.output().contains(started) || gpuB.output().contains(started));
      NodeProcess victim = gpuA.output().contains(started) ? gpuA : gpuB;
      NodeProcess survivor = victim == gpuA ? gpuB : gpuA;
      long beforeKill = load.served();
      victim.kill();
      long killedAt = System.nanoTime();
      // Calls keep being answered: by the surviving node, once the lost one's calls were re-sent.
      double recoveredAfter = load.awaitMore(100, Duration.ofSeconds(60));
      // Once the lost node is downed, the controller starts again on the survivor.
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> survivor.output().contains(started));
      double controllerBackAfter = (System.nanoTime() - killedAt) / 1e9;
      long servedAfterKill = load.served() - beforeKill;
      load.stop();

      // /metrics is rebuilt once per tick: wait until it shows the lost node gone and its calls re-sent
      // (every client had a call in flight when the node died; the ones it held were answered elsewhere).
      long[] resentSeen = new long[1];
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
        resentSeen[0] = metric(rest, "inferencia_cluster_calls_resent_total");
        return metric(rest, "inferencia_cluster_gpu_nodes") == 1 && resentSeen[0] >= 1;
      });
      long resent = resentSeen[0];
      System.out.printf("gpu node hosting the placement controller killed under %d clients: %d calls served before,"
              + " %d after (100 within %.1f s); controller running on the other node %.1f s after the kill;"
              + " %d re-sent; worst latency %d ms; %d failed%n",
          CLIENTS, beforeKill, servedAfterKill, recoveredAfter, controllerBackAfter, resent, load.worstMillis(),
          load.failures().size());
      load.assertNoFailures("calls");
      assertEquals(200, rest.get("/v2/health/ready").status(), "the edge stays ready on the surviving node");
    } finally {
      TestDatabases.dropPostgres(db);
    }
  }

  /** The value of a metric on the edge's /metrics (0 when not there yet). */
  private static long metric(RestClient rest, String name) {
    return AdminViews.metric(new String(rest.get("/metrics").body()), name);
  }


}

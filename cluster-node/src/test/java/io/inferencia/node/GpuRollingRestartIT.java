package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import static io.inferencia.node.testkit.AdminViews.awaitGpuNodes;

import io.inferencia.node.testkit.GpuClusterEnv;
import io.inferencia.node.testkit.JobBatch;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.node.testkit.OcrClsCopy;
import io.inferencia.node.testkit.ShippedModel;
import io.inferencia.node.testkit.SteadyLoad;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of the gpu nodes behind an edge-only node (packaged jars on loopback, one
 * PostgreSQL), under a steady synchronous load (the shipped ocr_cls, and cls_lazy loaded on demand)
 * and OCR jobs in flight: each gpu node in turn is stopped with SIGTERM (it drains: hands cls_lazy
 * over, answers what it accepted, leaves) and started again with its data. No request fails, and every
 * job SUCCEEDED with exactly one Succeeded event and one result object.
 */
class GpuRollingRestartIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path SHIPPED = Path.of(System.getProperty("model.repository"));
  private static final String SECRET = "rolling-test-secret-4e1a";
  private static final int CLIENTS = 4;
  private static final int JOBS = Integer.getInteger("rolling.jobs", 40);
  private static final long[] CLS_SHAPE = {1, 3, 48, 192};

  @Test
  void restartingEachGpuNodeInTurnFailsNoRequestAndNoJob() throws Exception {
    Path repo = repository();
    DatabaseSettings db = TestDatabases.freshPostgres();
    GpuClusterEnv env = GpuClusterEnv.on(db, SECRET);
    Map<String, String> gpuOnly = env.gpuOnly(Map.of());
    Path dataA = Files.createTempDirectory("gpu-a");
    Path dataB = Files.createTempDirectory("gpu-b");
    List<NodeProcess> started = new ArrayList<>();
    try (NodeProcess edge = NodeProcess.launch(JAR, repo, Files.createTempDirectory("edge-node"), env.edgeOnly())) {
      started.add(NodeProcess.launch(JAR, repo, dataA, gpuOnly));
      started.add(NodeProcess.launch(JAR, repo, dataB, gpuOnly));
      edge.awaitReady(Duration.ofSeconds(240));
      RestClient rest = new RestClient("127.0.0.1", edge.httpPort);
      awaitGpuNodes(rest, 2);
      assertEquals(200, rest.post("/v2/models/cls_lazy/infer", cls(0)).status());

      SteadyLoad load = SteadyLoad.start(CLIENTS, client -> {
        RestClient mine = new RestClient("127.0.0.1", edge.httpPort);
        return i -> {
          String model = (i + client) % 2 == 0 ? "cls_lazy" : "ocr_cls";
          RestClient.Response r = mine.post("/v2/models/" + model + "/infer", cls(i));
          return r.status() == 200 ? null : model + ": " + r.status() + " " + new String(r.body());
        };
      });
      JobApi api = new JobApi("http://127.0.0.1:" + edge.httpPort, null);
      JobBatch jobs = JobBatch.submitOcr(api, JOBS, 4, "rolling restart");

      List<Double> restartSeconds = new ArrayList<>();
      for (int n = 0; n < 2; n++) {
        long begun = System.nanoTime();
        NodeProcess old = started.get(n);
        assertEquals(143, old.terminate(), "SIGTERM runs the drain and coordinated shutdown:\n" + tail(old.output()));
        assertTrue(old.output().contains("Draining "), tail(old.output()));
        awaitGpuNodes(rest, 1);
        started.set(n, NodeProcess.launch(JAR, repo, n == 0 ? dataA : dataB, gpuOnly));
        awaitGpuNodes(rest, 2);
        restartSeconds.add((System.nanoTime() - begun) / 1e9);
        load.awaitMore(50, Duration.ofSeconds(60));
      }
      load.stop();

      jobs.awaitAllSucceeded(Duration.ofMinutes(4));
      Set<String> results = jobs.assertEachSucceededOnce();
      JobBatch.assertResultsAreExactly(results, env.s3Port(), SECRET);
      System.out.printf("rolling restart of 2 gpu nodes under %d clients and %d jobs: each node back in %s s;"
              + " %d requests served, worst latency %d ms, %d failed; %d jobs SUCCEEDED once%n",
          CLIENTS, JOBS, restartSeconds.stream().map(s -> String.format("%.1f", s)).toList(), load.served(),
          load.worstMillis(), load.failures().size(), results.size());
      load.assertNoFailures("requests");
    } finally {
      for (NodeProcess node : started) node.close();
      TestDatabases.dropPostgres(db);
    }
  }

  /** The shipped ocr_cls, ocr_det, ocr_rec and ocr (for the jobs), and cls_lazy loaded on demand. */
  private static Path repository() throws Exception {
    Path repo = Files.createTempDirectory("rolling-repo");
    ShippedModel.linkAll(SHIPPED, repo, List.of("ocr_cls", "ocr_det", "ocr_rec", "ocr"));
    OcrClsCopy.add(SHIPPED, repo, "cls_lazy", OcrClsCopy.parameter("min_replicas", "0"));
    return repo;
  }

  private static InferBody cls(long seed) {
    return InferBody.builder().input("x", "FP32", CLS_SHAPE, Samples.clsInput(1, seed)).build();
  }

  private static String tail(String log) {
    return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
  }

}

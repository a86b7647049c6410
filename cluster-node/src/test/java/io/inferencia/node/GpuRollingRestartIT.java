package io.inferencia.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
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
 * A rolling restart of the gpu nodes behind an edge-only node (packaged jars on loopback, one
 * PostgreSQL), under a steady synchronous load (the shipped ocr_cls, and cls_lazy loaded on demand)
 * and OCR jobs in flight: each gpu node in turn is stopped with SIGTERM (it drains: hands cls_lazy
 * over, answers what it accepted, leaves) and started again with its data. No request fails, and every
 * job SUCCEEDED with exactly one Succeeded event.
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
      JobApi api = new JobApi("http://127.0.0.1:" + edge.httpPort, null);
      List<String> jobs = submit(api);

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
        long before = served.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> served.get() >= before + 50);
      }
      on.set(false);
      for (Future<?> f : load) f.get(2, TimeUnit.MINUTES);
      clients.shutdown();

      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> finished(api, jobs));
      for (String id : jobs) {
        JsonNode job = api.get("/v1/jobs/" + id).json();
        assertEquals("SUCCEEDED", job.get("status").asText(), job.toString());
        List<JobApi.Event> events = api.follow(id, java.util.Optional.empty());
        assertEquals(1, events.stream().filter(e -> e.event().equals("Succeeded")).count(), id + ": " + events);
      }
      System.out.printf("rolling restart of 2 gpu nodes under %d clients and %d jobs: each node back in %s s;"
              + " %d requests served, worst latency %d ms, %d failed; %d jobs SUCCEEDED once%n",
          CLIENTS, JOBS, restartSeconds.stream().map(s -> String.format("%.1f", s)).toList(), served.get(),
          worstMillis.get(), failures.size(), jobs.size());
      assertTrue(failures.isEmpty(), failures.size() + " requests failed, e.g. " + failures.peek());
    } finally {
      for (NodeProcess node : started) node.close();
      TestDatabases.dropPostgres(db);
    }
  }

  private static void awaitGpuNodes(RestClient rest, int n) {
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> rest.get("/v1/admin/nodes").json().get("nodes").size() == n);
  }

  private static List<String> submit(JobApi api) {
    List<String> lines = new ArrayList<>();
    for (int line = 0; line < 4; line++) lines.add("Line " + line + ": rolling restart 0123456789");
    String input = api.upload("page.png", "image/png", Samples.renderPng(lines, 800, 36));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      JobApi.Response r = api.submit("ocr", input, Map.of("n", i), null);
      assertEquals(202, r.status(), r.body());
      ids.add(r.json().get("jobId").asText());
    }
    return ids;
  }

  /** Every job ended; fails at once on a FAILED or CANCELLED one. */
  private static boolean finished(JobApi api, List<String> ids) {
    for (String id : ids) {
      String status = api.get("/v1/jobs/" + id).json().path("status").asText();
      if (status.equals("FAILED") || status.equals("CANCELLED")) throw new AssertionError(id + " ended " + status);
      if (!status.equals("SUCCEEDED")) return false;
    }
    return true;
  }

  /** The shipped ocr_cls, ocr_det, ocr_rec and ocr (for the jobs), and cls_lazy loaded on demand. */
  private static Path repository() throws Exception {
    Path repo = Files.createTempDirectory("rolling-repo");
    for (String name : List.of("ocr_cls", "ocr_det", "ocr_rec", "ocr")) link(SHIPPED.resolve(name), repo.resolve(name));
    OcrClsCopy.add(SHIPPED, repo, "cls_lazy", OcrClsCopy.parameter("min_replicas", "0"));
    return repo;
  }

  /** A model directory's files linked, its config copied. */
  private static void link(Path from, Path to) throws Exception {
    try (var walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else if (p.getFileName().toString().equals("config.pbtxt")) Files.copy(p, target);
        else Files.createSymbolicLink(target, p);
      }
    }
  }

  private static InferBody cls(long seed) {
    return InferBody.builder().input("x", "FP32", CLS_SHAPE, Samples.clsInput(1, seed)).build();
  }

  private static String tail(String log) {
    return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
  }

}

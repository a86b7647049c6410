package io.inferencia.node;

import static io.inferencia.node.testkit.AdminViews.awaitGpuNodes;
import static io.inferencia.node.testkit.AdminViews.managementMetrics;
import static io.inferencia.node.testkit.AdminViews.metricSum;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.edge.metrics.GrpcMetrics;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.EdgeClients;
import io.inferencia.node.testkit.GpuClusterEnv;
import io.inferencia.node.testkit.JobBatch;
import io.inferencia.node.testkit.ModelAnswers;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.node.testkit.ShippedModel;
import io.inferencia.node.testkit.SteadyLoad;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.storage.EmbeddedS3;
import io.inferencia.persistence.storage.S3Credentials;
import io.inferencia.persistence.storage.StorageSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of every node of a three-node cluster (packaged jars on loopback, one PostgreSQL,
 * object storage outside the nodes as in production): A and B have the edge and gpu roles, C is
 * gpu-only; B starts first, so it hosts the placement controller and the shard coordinators. Clients
 * reach the edges as through a Kubernetes service: a gRPC client balancing round-robin over A and B.
 *
 * <p>Under a steady gRPC load (ocr_cls, ocr_rec and cls_lazy, which has one replica, every answer
 * compared with the one taken before the load) and OCR jobs submitted before each restart, C, then B,
 * then A is stopped with SIGTERM (it drains: its replicas are warmed elsewhere, its edge sends GOAWAY
 * and answers what it took, then it leaves) and started again on its data and ports. No call fails or
 * answers wrong, every job SUCCEEDED with exactly one Succeeded event and one result object.
 */
class RollingRestartIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path SHIPPED = Path.of(System.getProperty("model.repository"));
  private static final String SECRET = "rolling-every-node-secret-5d2b";
  private static final int CLIENTS = 4;
  private static final int JOBS = Integer.getInteger("rolling.jobs", 30);

  /** One node of the cluster: what it is started with, so a restart keeps its address, ports and data. */
  private record Member(String name, Map<String, String> env, Path data, boolean edge) {}

  @Test
  void restartingEveryNodeInTurnFailsNoCallAndNoJob() throws Exception {
    Path repo = ShippedModel.threeNodeRepository(SHIPPED, "rolling-repo");
    DatabaseSettings db = TestDatabases.freshPostgres();
    int s3Port = NodeProcess.freePort();
    Map<String, Member> members = members(db, s3Port);
    Member a = members.get("A"), b = members.get("B"), c = members.get("C");
    Map<String, NodeProcess> running = new LinkedHashMap<>();
    ActorSystem<Void> client = ActorSystem.create(Behaviors.empty(), "rolling-client",
        EdgeClients.config(List.of(grpcPort(a), grpcPort(b))));
    try (EmbeddedS3 storage = new EmbeddedS3(new StorageSettings.Embedded("127.0.0.1", s3Port, "127.0.0.1",
        Files.createTempDirectory("rolling-s3")), new S3Credentials("inferencia", SECRET))) {
      storage.start();
      for (Member m : List.of(b, a, c)) running.put(m.name(), NodeProcess.launch(JAR, repo, m.data(), m.env()));
      running.get("A").awaitReady(Duration.ofSeconds(240));
      running.get("B").awaitReady(Duration.ofSeconds(240));
      RestClient restA = new RestClient("127.0.0.1", running.get("A").httpPort);
      awaitGpuNodes(restA, 3);

      GRPCInferenceServiceClient grpc = EdgeClients.roundRobin(client, Duration.ofSeconds(90));
      ModelAnswers answers = ModelAnswers.takeFrom(grpc, "cls_lazy");
      SteadyLoad load = SteadyLoad.start(CLIENTS, index -> i -> answers.check(grpc, (i + index) % 3, i));
      load.awaitMore(100, Duration.ofSeconds(60));
      for (Member edge : List.of(a, b)) awaitCallsThrough(running.get(edge.name()), 10);

      List<JobBatch> batches = new ArrayList<>();
      List<String> timings = new ArrayList<>();
      for (Member m : List.of(c, b, a)) {
        Member stays = m == a ? b : a;
        JobApi api = new JobApi("http://127.0.0.1:" + running.get(stays.name()).httpPort, null);
        batches.add(JobBatch.submitOcr(api, JOBS, 4, "restart " + m.name()));
        RestClient rest = new RestClient("127.0.0.1", running.get(stays.name()).httpPort);

        long begun = System.nanoTime();
        NodeProcess old = running.remove(m.name());
        assertEquals(143, old.terminate(), "SIGTERM runs the drain and coordinated shutdown:\n" + tail(old.output()));
        assertTrue(old.output().contains("Draining "), tail(old.output()));
        double stopped = (System.nanoTime() - begun) / 1e9;
        awaitGpuNodes(rest, 2);
        NodeProcess fresh = NodeProcess.launch(JAR, repo, m.data(), m.env());
        running.put(m.name(), fresh);
        if (m.edge()) fresh.awaitReady(Duration.ofSeconds(240));
        try {
          awaitGpuNodes(rest, 3);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError(m.name() + " did not come back as a gpu node; its output:\n" + tail(fresh.output())
              + "\n" + stays.name() + "'s output:\n" + tail(running.get(stays.name()).output()), e);
        }
        double back = (System.nanoTime() - begun) / 1e9;
        // Clients came back to a restarted edge before the next node goes.
        if (m.edge()) awaitCallsThrough(fresh, 20);
        load.awaitMore(50, Duration.ofSeconds(90));
        timings.add(String.format("%s stopped in %.1f s, serving again after %.1f s", m.name(), stopped, back));
      }
      load.stop();

      JobApi api = new JobApi("http://127.0.0.1:" + running.get("A").httpPort, null);
      Set<String> results = new HashSet<>();
      for (JobBatch batch : batches) {
        JobBatch again = batch.through(api);
        again.awaitAllSucceeded(Duration.ofMinutes(5));
        results.addAll(again.assertEachSucceededOnce());
      }
      JobBatch.assertResultsAreExactly(results, s3Port, SECRET);
      System.out.printf("rolling restart of every node (A and B edge+gpu, C gpu; C, then B with the controller and"
              + " coordinators, then A) under %d gRPC clients round-robin over A and B and %d x %d OCR jobs:%n"
              + "  %s%n  %d calls answered right, worst latency %d ms, %d failed, %d attempts retried on UNAVAILABLE;"
              + " %d jobs SUCCEEDED once, %d result objects%n",
          CLIENTS, batches.size(), JOBS, String.join("; ", timings), load.served(), load.worstMillis(),
          load.failures().size(), EdgeClients.retries(), results.size(), results.size());
      load.assertNoFailures("calls");
      assertEquals(batches.size() * JOBS, results.size());
    } finally {
      client.terminate();
      for (NodeProcess node : running.values()) node.close();
      TestDatabases.dropPostgres(db);
    }
  }

  /** Waits until the edge answered {@code calls} more gRPC calls (its own metrics, on its management port). */
  private static void awaitCallsThrough(NodeProcess edge, int calls) throws Exception {
    double from = metricSum(managementMetrics(edge), GrpcMetrics.REQUESTS);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> metricSum(managementMetrics(edge), GrpcMetrics.REQUESTS) >= from + calls);
  }

  /** A, B and C with fixed ports (a restart keeps them), B first in the seeds: it starts first. */
  private static Map<String, Member> members(DatabaseSettings db, int s3Port) throws Exception {
    List<Integer> remote = List.of(NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort());
    String seeds = String.join(",", remote.stream().map(p -> "pekko://inferencia@127.0.0.1:" + p).toList());
    Map<String, String> shared = Map.of("DB_URL", db.url(), "DB_USER", db.user(), "SEED_NODES", seeds,
        "S3_ENDPOINT", "http://127.0.0.1:" + s3Port, "S3_ACCESS_KEY", "inferencia", "S3_SECRET_KEY", SECRET,
        "INFERENCE_CPU_CORES", "1");
    Map<String, Member> members = new LinkedHashMap<>();
    String[] names = {"B", "A", "C"};
    for (int n = 0; n < 3; n++) {
      boolean edge = !names[n].equals("C");
      Map<String, String> env = GpuClusterEnv.with(shared, Map.of("NODE_ROLES", edge ? "edge,gpu" : "gpu",
          "EDGE_UNBIND_DELAY", "1s",
          "REMOTE_PORT", Integer.toString(remote.get(n)), "HTTP_PORT", Integer.toString(NodeProcess.freePort()),
          "GRPC_PORT", Integer.toString(NodeProcess.freePort()),
          "MANAGEMENT_PORT", Integer.toString(NodeProcess.freePort()),
          "S3_PORT", Integer.toString(NodeProcess.freePort())));
      members.put(names[n], new Member(names[n], env, Files.createTempDirectory("rolling-" + names[n]), edge));
    }
    return members;
  }

  private static int grpcPort(Member m) {
    return Integer.parseInt(m.env().get("GRPC_PORT"));
  }

  private static String tail(String log) {
    return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
  }
}

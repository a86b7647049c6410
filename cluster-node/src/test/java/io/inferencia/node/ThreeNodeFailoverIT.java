package io.inferencia.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.inferencia.edge.testkit.RestClient;
import io.inferencia.node.jobs.JobApi;
import static io.inferencia.node.testkit.AdminViews.awaitGpuNodes;
import static io.inferencia.node.testkit.AdminViews.managementMetrics;
import static io.inferencia.node.testkit.AdminViews.metricSum;
import static io.inferencia.node.testkit.AdminViews.ownersOf;
import static io.inferencia.node.testkit.AdminViews.readyOn;
import static io.inferencia.node.testkit.AdminViews.shardsOn;

import io.inferencia.node.testkit.GpuClusterEnv;
import io.inferencia.node.testkit.JobBatch;
import io.inferencia.node.testkit.LocalClient;
import io.inferencia.node.testkit.ModelAnswers;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.node.testkit.ShippedModel;
import io.inferencia.node.testkit.SteadyLoad;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.junit.jupiter.api.Test;

/**
 * Section 5's three-node cluster (packaged jars on loopback, one PostgreSQL): node A has the edge and
 * gpu roles and takes every client call; B and C are gpu-only. B starts first, so it is the oldest node:
 * it hosts the placement controller and the shard coordinators. {@code cls_lazy} (ocr_cls under another
 * name, min_replicas 1, max_replicas 1) ends up on C alone (its pinned copy: the lowest address), so A's
 * calls to it cross nodes; the shipped models stay on every node (min_replicas 3).
 *
 * <p>Under a steady gRPC load through A (ocr_cls, ocr_rec and cls_lazy, each answer compared with the
 * one taken before the load) and 200 OCR jobs in flight, C is killed with SIGKILL; then C comes back,
 * 100 more jobs go in, and B, the controller's and coordinators' node, is killed with SIGKILL. No call
 * fails or answers wrong, every job SUCCEEDED with exactly one Succeeded event and one result object.
 */
class ThreeNodeFailoverIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path SHIPPED = Path.of(System.getProperty("model.repository"));
  private static final String SECRET = "three-node-test-secret-8c3f";
  private static final int CLIENTS = 4;
  private static final int JOBS = Integer.getInteger("three-node.jobs", 200);
  private static final int MORE_JOBS = Integer.getInteger("three-node.more-jobs", 100);
  private static final String STARTED = "Placement controller started";

  @Test
  void killingAGpuNodeAndThenTheControllersNodeFailsNoCallAndLosesNoJob() throws Exception {
    Path repo = ShippedModel.threeNodeRepository(SHIPPED, "three-node-repo");
    DatabaseSettings db = TestDatabases.freshPostgres();
    // Remote ports in address order C < B < A: C's copy of cls_lazy is the pinned one the controller keeps.
    List<Integer> ports = new ArrayList<>(new TreeSet<>(List.of(NodeProcess.freePort(), NodeProcess.freePort(),
        NodeProcess.freePort())));
    int portC = ports.get(0), portB = ports.get(1), portA = ports.get(2);
    int s3Port = NodeProcess.freePort();
    Map<String, String> shared = Map.of("DB_URL", db.url(), "DB_USER", db.user(),
        "SEED_NODES", "pekko://inferencia@127.0.0.1:" + portB + ",pekko://inferencia@127.0.0.1:" + portA,
        "S3_ACCESS_KEY", "inferencia", "S3_SECRET_KEY", SECRET,
        "INFERENCE_DOWNSCALE_DELAY", "3s");
    Map<String, String> gpu = GpuClusterEnv.with(shared, Map.of("NODE_ROLES", "gpu",
        "S3_ENDPOINT", "http://127.0.0.1:" + s3Port, "INFERENCE_CPU_CORES", "1"));
    Map<String, String> envA = GpuClusterEnv.with(shared, Map.of("NODE_ROLES", "edge,gpu",
        "REMOTE_PORT", Integer.toString(portA), "S3_PORT", Integer.toString(s3Port)));
    Map<String, String> envC = GpuClusterEnv.with(gpu, Map.of("REMOTE_PORT", Integer.toString(portC)));
    Path dataC = Files.createTempDirectory("gpu-c");
    List<NodeProcess> nodes = new ArrayList<>();
    ActorSystem<Void> client = ActorSystem.create(Behaviors.empty(), "three-node-client", LocalClient.config());
    try {
      NodeProcess b = launch(nodes, repo, Files.createTempDirectory("gpu-b"),
          GpuClusterEnv.with(gpu, Map.of("REMOTE_PORT", Integer.toString(portB))));
      NodeProcess a = launch(nodes, repo, Files.createTempDirectory("edge-gpu-a"), envA);
      NodeProcess c = launch(nodes, repo, dataC, envC);
      a.awaitReady(Duration.ofSeconds(240));
      RestClient rest = new RestClient("127.0.0.1", a.httpPort);
      awaitGpuNodes(rest, 3);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> b.output().contains(STARTED));
      assertFalse(a.output().contains(STARTED) || c.output().contains(STARTED), "B, the oldest node, hosts the controller");
      String addressC = "pekko://inferencia@127.0.0.1:" + portC;
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> readyOn(rest, "cls_lazy").equals(List.of(addressC)));
      // Its copy is owned by a sharded replica entity, whose shard the controller placed on C.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> ownersOf(rest, "cls_lazy").keySet().equals(Set.of(addressC))
              && shardsOn(c, "ModelReplica").contains(ownersOf(rest, "cls_lazy").get(addressC)));
      String lazyReplicaOnC = ownersOf(rest, "cls_lazy").get(addressC);
      // The shipped models have a copy on each node, each owned by a replica of its own.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> new TreeSet<>(ownersOf(rest, "ocr_rec").values())
              .equals(Set.of("ocr_rec/1#0", "ocr_rec/1#1", "ocr_rec/1#2")));

      GRPCInferenceServiceClient grpc = GRPCInferenceServiceClient.create(GrpcClientSettings
          .connectToServiceAt("127.0.0.1", a.grpcPort, client).withTls(false).withDeadline(Duration.ofSeconds(60)), client);
      ModelAnswers answers = ModelAnswers.takeFrom(grpc, "cls_lazy");
      SteadyLoad load = SteadyLoad.start(CLIENTS, index -> i -> answers.check(grpc, (i + index) % 3, i));
      load.awaitMore(100, Duration.ofSeconds(60));
      // A's calls to cls_lazy cross to C through the replica entity's ref.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> metricSum(managementMetrics(c), "inferencia_replica_entity_calls_total") > 0);
      JobApi api = new JobApi("http://127.0.0.1:" + a.httpPort, null);
      JobBatch first = JobBatch.submitOcr(api, JOBS, 4, "three nodes");
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> first.succeeded() >= 10);

      // 1. A gpu node that holds cls_lazy's only replica and runs jobs dies.
      long servedBefore = load.served();
      c.kill();
      long killedC = System.nanoTime();
      double callsBackC = load.awaitMore(100, Duration.ofSeconds(90));
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
          .until(() -> !readyOn(rest, "cls_lazy").isEmpty() && !readyOn(rest, "cls_lazy").contains(addressC));
      double lazyBackC = (System.nanoTime() - killedC) / 1e9;
      List<String> lazyNodesAfterC = readyOn(rest, "cls_lazy");
      // The copy made up elsewhere is owned by a replica entity again, placed on its node.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
          .until(() -> !ownersOf(rest, "cls_lazy").isEmpty() && !ownersOf(rest, "cls_lazy").containsKey(addressC));
      double replicaBackC = (System.nanoTime() - killedC) / 1e9;
      Map<String, String> lazyOwnersAfterC = ownersOf(rest, "cls_lazy");
      awaitGpuNodes(rest, 2);
      double goneC = (System.nanoTime() - killedC) / 1e9;
      int jobsDoneAtKillC = first.succeeded();

      // C comes back on its data; more jobs go in; then the controller's and coordinators' node dies.
      NodeProcess c2 = launch(nodes, repo, dataC, GpuClusterEnv.with(gpu, Map.of()));
      awaitGpuNodes(rest, 3);
      JobBatch second = JobBatch.submitOcr(api, MORE_JOBS, 4, "controller lost");
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> second.succeeded() >= 5);
      b.kill();
      long killedB = System.nanoTime();
      double callsBackB = load.awaitMore(100, Duration.ofSeconds(90));
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> a.output().contains(STARTED) || c2.output().contains(STARTED));
      double controllerBack = (System.nanoTime() - killedB) / 1e9;
      awaitGpuNodes(rest, 2);
      load.awaitMore(50, Duration.ofSeconds(60));
      load.stop();

      long jobsFrom = System.nanoTime();
      first.awaitAllSucceeded(Duration.ofMinutes(5));
      second.awaitAllSucceeded(Duration.ofMinutes(5));
      double jobsAfterLoad = (System.nanoTime() - jobsFrom) / 1e9;
      Set<String> results = new HashSet<>(first.assertEachSucceededOnce());
      results.addAll(second.assertEachSucceededOnce());
      JobBatch.assertResultsAreExactly(results, s3Port, SECRET);

      System.out.printf("three nodes (A edge+gpu, B and C gpu), %d gRPC clients through A on ocr_cls, ocr_rec and"
              + " cls_lazy (only on C), %d + %d OCR jobs:%n"
              + "  kill -9 C (%d jobs done of %d): 100 more calls answered within %.1f s; cls_lazy READY again on %s"
              + " %.1f s after the kill, owned by a replica entity (%s on C before, %s after) %.1f s after; C out of"
              + " the gpu nodes after %.1f s%n"
              + "  kill -9 B (controller and shard coordinators): 100 more calls within %.1f s; controller running"
              + " again %.1f s after the kill%n"
              + "  %d calls answered right (%d before the first kill), worst latency %d ms, %d failed;"
              + " every job SUCCEEDED once, %d result objects, the last %.1f s after the load stopped%n",
          CLIENTS, JOBS, MORE_JOBS, jobsDoneAtKillC, JOBS, callsBackC, lazyNodesAfterC, lazyBackC, lazyReplicaOnC,
          lazyOwnersAfterC, replicaBackC, goneC,
          callsBackB, controllerBack, load.served(), servedBefore, load.worstMillis(), load.failures().size(),
          results.size(), jobsAfterLoad);
      load.assertNoFailures("calls");
      assertEquals(JOBS + MORE_JOBS, results.size());
    } finally {
      client.terminate();
      for (NodeProcess node : nodes) node.close();
      TestDatabases.dropPostgres(db);
    }
  }

  private static NodeProcess launch(List<NodeProcess> nodes, Path repo, Path data, Map<String, String> env)
      throws IOException {
    NodeProcess node = NodeProcess.launch(JAR, repo, data, env);
    nodes.add(node);
    return node;
  }
}

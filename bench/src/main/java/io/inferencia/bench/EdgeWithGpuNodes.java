package io.inferencia.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.GpuClusterEnv;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.persistence.db.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * An edge-only node (the seed, serving the object storage) and gpu-only nodes joined to it, packaged JVMs
 * on one PostgreSQL database, as the multi-node integration tests start them; closing stops them all.
 */
final class EdgeWithGpuNodes implements AutoCloseable {
  /** Four JVMs starting at once on 2 cores take minutes, not seconds. */
  private static final Duration START = Duration.ofMinutes(5);

  final NodeProcess edge;
  private final List<NodeProcess> gpus = new ArrayList<>();
  private final JobApi admin;

  private EdgeWithGpuNodes(NodeProcess edge) {
    this.edge = edge;
    this.admin = new JobApi("http://127.0.0.1:" + edge.httpPort, null);
  }

  /**
   * Starts the nodes and waits until the edge is ready, lists {@code gpuNodes} gpu nodes and each of
   * {@code models} has {@code replicas} READY replicas. {@code nodeEnv} goes to every node; on the gpu
   * nodes it is applied last, so it can change their one inference core ({@code INFERENCE_CPU_CORES}).
   */
  static EdgeWithGpuNodes start(Path jar, Path repo, DatabaseSettings db, int gpuNodes, Map<String, String> nodeEnv,
      List<String> models, int replicas) throws IOException, InterruptedException {
    GpuClusterEnv env = GpuClusterEnv.on(db, "job-scaling-" + UUID.randomUUID());
    EdgeWithGpuNodes c = new EdgeWithGpuNodes(NodeProcess.launch(jar, repo, Files.createTempDirectory("scaling-edge"),
        GpuClusterEnv.with(nodeEnv, env.edgeOnly())));
    try {
      for (int i = 0; i < gpuNodes; i++)
        c.gpus.add(NodeProcess.launch(jar, repo, Files.createTempDirectory("scaling-gpu"), env.gpuOnly(nodeEnv)));
      c.edge.awaitReady(START);
      c.awaitUntil(gpuNodes + " gpu nodes listed by /v1/admin/nodes",
          () -> c.admin.get("/v1/admin/nodes").json().path("nodes").size() == gpuNodes);
      c.awaitUntil(replicas + " READY replicas of each of " + models,
          () -> models.stream().allMatch(m -> c.readyReplicas(m) >= replicas));
      return c;
    } catch (Exception | Error e) {
      String logs = c.logTails();
      c.close();
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw new IllegalStateException("the edge-only node and " + gpuNodes + " gpu-only nodes did not start:\n" + logs, e);
    }
  }

  /** The gpu nodes' processes, to read the CPU time they use. */
  List<ProcessHandle> gpuHandles() {
    return gpus.stream().map(NodeProcess::handle).toList();
  }

  /** "ocr 2, ocr_det 2, ...": READY replicas per model now; "n/a" for a model the edge cannot answer for. */
  String replicas(List<String> models) {
    return models.stream().map(m -> {
      try {
        return m + " " + readyReplicas(m);
      } catch (RuntimeException | AssertionError e) {
        return m + " n/a";
      }
    }).collect(Collectors.joining(", "));
  }

  private int readyReplicas(String model) {
    int ready = 0;
    for (JsonNode r : admin.get("/v1/admin/placement?model=" + model).json().path("replicas"))
      if (r.path("state").asText().equals("READY")) ready++;
    return ready;
  }

  /** Polls {@code condition} every 500 ms; a failed call (not listening yet, 503 before a gpu node joins) counts as not yet. */
  private void awaitUntil(String what, Callable<Boolean> condition) {
    await().alias(what).atMost(START).pollInterval(Duration.ofMillis(500)).until(() -> {
      try {
        return condition.call();
      } catch (RuntimeException | AssertionError e) {
        return false;
      }
    });
  }

  private String logTails() {
    StringBuilder out = new StringBuilder();
    List<NodeProcess> all = new ArrayList<>(List.of(edge));
    all.addAll(gpus);
    for (int i = 0; i < all.size(); i++) {
      String log;
      try {
        log = all.get(i).output();
      } catch (IOException e) {
        log = "(log unreadable: " + e + ")";
      }
      out.append(i == 0 ? "--- edge" : "--- gpu node " + i).append(" (end of its log) ---\n")
          .append(log.length() > 4000 ? log.substring(log.length() - 4000) : log).append('\n');
    }
    return out.toString();
  }

  /** Stops every node, even when stopping one is interrupted. */
  @Override
  public void close() throws InterruptedException {
    InterruptedException interrupted = null;
    List<NodeProcess> all = new ArrayList<>(gpus);
    all.add(edge);
    for (NodeProcess n : all) {
      try {
        n.close();
      } catch (InterruptedException e) {
        interrupted = e;
      }
    }
    if (interrupted != null) throw interrupted;
  }
}

package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two packaged nodes as one cluster: an edge-only node with the object storage, and a gpu-only node
 * that reaches that storage as an external S3 endpoint; both on one PostgreSQL. Jobs enter through the
 * edge, run on the other node's worker, and are followed through the edge.
 */
class NodeClusterIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));
  private static final String SECRET = "cluster-test-secret-8c1f";

  @Test
  void jobsEnterOnTheEdgeNodeAndRunOnTheGpuNode() throws Exception {
    DatabaseSettings db = TestDatabases.freshPostgres();
    int seedPort = NodeProcess.freePort();
    int s3Port = NodeProcess.freePort();
    String seed = "pekko://inferencia@127.0.0.1:" + seedPort;
    Map<String, String> shared = Map.of("DB_URL", db.url(), "DB_USER", db.user(), "SEED_NODES", seed,
        "S3_ACCESS_KEY", "inferencia", "S3_SECRET_KEY", SECRET);
    try (NodeProcess edge = NodeProcess.launch(JAR, REPO, Files.createTempDirectory("edge-node"), with(shared, Map.of(
            "NODE_ROLES", "edge", "REMOTE_PORT", Integer.toString(seedPort), "S3_PORT", Integer.toString(s3Port))));
        NodeProcess gpu = NodeProcess.launch(JAR, REPO, Files.createTempDirectory("gpu-node"), with(shared, Map.of(
            "NODE_ROLES", "gpu", "S3_ENDPOINT", "http://127.0.0.1:" + s3Port)))) {
      // The edge is ready once it reaches the gpu node's models through the cluster.
      edge.awaitReady(Duration.ofSeconds(180));
      JobApi api = new JobApi("http://127.0.0.1:" + edge.httpPort, null);
      String image = api.upload("c.png", "image/png", Samples.renderPng("Cluster of two"));
      String audio = api.upload("s.wav", "audio/wav", Samples.speechWav());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) ids.add(api.submit("ocr", image, Map.of("i", i), null).json().get("jobId").asText());
      ids.add(api.submit("vad", audio, null, null).json().get("jobId").asText());
      for (String id : ids) {
        List<JobApi.Event> events = api.follow(id, Optional.empty());
        JsonNode last = events.get(events.size() - 1).data();
        assertEquals("SUCCEEDED", last.get("status").asText(), id + ": " + events);
        JsonNode started = events.stream().filter(e -> e.event().equals("Started")).findFirst().orElseThrow().data();
        assertTrue(!started.get("detail").asText().contains(":" + seedPort), "jobs run on the gpu node: " + started);
        String result = new String(api.download(last.get("job").get("output").get("url").asText()));
        assertTrue(result.contains(id), result);
      }
      String ocr = new String(api.download(api.get("/v1/jobs/" + ids.get(0)).json().get("output").get("url").asText()));
      assertTrue(ocr.contains("Cluster of two"), ocr);
    } finally {
      TestDatabases.dropPostgres(db);
    }
  }

  private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new java.util.HashMap<>(a);
    all.putAll(b);
    return all;
  }
}

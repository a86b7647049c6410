package io.inferencia.node.testkit;

import io.inferencia.persistence.db.DatabaseSettings;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment of an edge-only node in front of gpu-only nodes on one PostgreSQL, as the multi-node
 * integration tests start them: the edge is the seed and serves the object storage the gpu nodes use.
 */
public record GpuClusterEnv(int seedPort, int s3Port, Map<String, String> shared) {
  public static GpuClusterEnv on(DatabaseSettings db, String storageSecret) throws IOException {
    int seedPort = NodeProcess.freePort();
    int s3Port = NodeProcess.freePort();
    return new GpuClusterEnv(seedPort, s3Port, Map.of("DB_URL", db.url(), "DB_USER", db.user(),
        "SEED_NODES", "pekko://inferencia@127.0.0.1:" + seedPort, "S3_ACCESS_KEY", "inferencia",
        "S3_SECRET_KEY", storageSecret));
  }

  public Map<String, String> edgeOnly() {
    return with(shared, Map.of("NODE_ROLES", "edge", "REMOTE_PORT", Integer.toString(seedPort),
        "S3_PORT", Integer.toString(s3Port)));
  }

  /** A gpu-only node on one core, with {@code extra} on top. */
  public Map<String, String> gpuOnly(Map<String, String> extra) {
    return with(with(shared, Map.of("NODE_ROLES", "gpu", "S3_ENDPOINT", "http://127.0.0.1:" + s3Port,
        "INFERENCE_CPU_CORES", "1")), extra);
  }

  public static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new HashMap<>(a);
    all.putAll(b);
    return all;
  }
}

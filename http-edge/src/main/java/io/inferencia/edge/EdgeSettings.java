package io.inferencia.edge;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * The {@code edge} config section.
 *
 * @param maxRequestBytes largest REST body or gRPC request message accepted
 * @param askTimeout how long a request waits for the inference core
 * @param streamParallelism requests of one gRPC stream in flight at once
 * @param grpcCompressResponses gzip gRPC responses for clients that accept it (off: tensors rarely compress)
 * @param allowClientShm clients may register system shared memory regions (Triton's --allow-client-shm)
 */
public record EdgeSettings(
    String host,
    int httpPort,
    int grpcPort,
    long maxRequestBytes,
    Duration askTimeout,
    int streamParallelism,
    String serverName,
    String serverVersion,
    boolean grpcCompressResponses,
    boolean allowClientShm) {

  /** Protocol extensions every edge implements. */
  private static final List<String> EXTENSIONS =
      List.of("binary_tensor_data", "classification", "model_repository", "model_configuration", "statistics");

  /** Extensions as {@code GET /v2} and ServerMetadata report them: shared memory only where clients may use it. */
  public List<String> extensions() {
    if (!allowClientShm) return EXTENSIONS;
    List<String> all = new java.util.ArrayList<>(EXTENSIONS);
    all.add("system_shared_memory");
    return List.copyOf(all);
  }

  public static EdgeSettings fromConfig(Config root) {
    Config c = root.getConfig("edge");
    return new EdgeSettings(
        c.getString("host"),
        c.getInt("http-port"),
        c.getInt("grpc-port"),
        c.getBytes("max-request-bytes"),
        c.getDuration("ask-timeout"),
        c.getInt("stream-parallelism"),
        c.getString("server-name"),
        c.getString("server-version"),
        c.getBoolean("grpc-compress-responses"),
        c.getBoolean("shared-memory.allow-client"));
  }

  public EdgeSettings withPorts(int newHttpPort, int newGrpcPort) {
    return new EdgeSettings(
        host, newHttpPort, newGrpcPort, maxRequestBytes, askTimeout, streamParallelism, serverName, serverVersion,
        grpcCompressResponses, allowClientShm);
  }
}

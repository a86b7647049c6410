package io.inferencia.edge;

import com.typesafe.config.Config;
import io.inferencia.protocols.config.SettingReader;
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
      List.of("binary_tensor_data", "classification", "model_repository", "model_configuration", "statistics", "logging");

  /** Extensions as {@code GET /v2} and ServerMetadata report them: shared memory only where clients may use it. */
  public List<String> extensions() {
    if (!allowClientShm) return EXTENSIONS;
    List<String> all = new java.util.ArrayList<>(EXTENSIONS);
    all.add("system_shared_memory");
    return List.copyOf(all);
  }

  /**
   * Reads the section; a bad value fails with the variable that carried it (the node exits on it at start).
   * {@code request-timeout} and {@code shared-memory.directory} are read where they are used, checked here.
   */
  public static EdgeSettings fromConfig(Config root) {
    SettingReader r = SettingReader.of(root, "edge");
    r.positiveDuration("request-timeout", "EDGE_REQUEST_TIMEOUT");
    Duration unbindDelay = r.nonNegativeDuration("unbind-delay", "EDGE_UNBIND_DELAY");
    if (unbindDelay.compareTo(Duration.ofSeconds(35)) > 0)
      throw r.invalid("unbind-delay", "EDGE_UNBIND_DELAY", "'" + unbindDelay.toSeconds()
          + "s' must leave room in the 40 s before-service-unbind phase (35s at most)");
    r.child("shared-memory").string("directory", "EDGE_SHM_DIRECTORY");
    return new EdgeSettings(
        r.host("host", "HOST"),
        r.port("http-port", "HTTP_PORT"),
        r.port("grpc-port", "GRPC_PORT"),
        r.bytesAtLeast("max-request-bytes", "EDGE_MAX_REQUEST_BYTES", 1),
        r.positiveDuration("ask-timeout", "EDGE_ASK_TIMEOUT"),
        r.positiveInt("stream-parallelism", null),
        r.string("server-name", null),
        r.string("server-version", null),
        r.bool("grpc-compress-responses", "EDGE_GRPC_COMPRESS_RESPONSES"),
        r.child("shared-memory").bool("allow-client", "EDGE_ALLOW_CLIENT_SHM"));
  }

  public EdgeSettings withPorts(int newHttpPort, int newGrpcPort) {
    return new EdgeSettings(
        host, newHttpPort, newGrpcPort, maxRequestBytes, askTimeout, streamParallelism, serverName, serverVersion,
        grpcCompressResponses, allowClientShm);
  }
}

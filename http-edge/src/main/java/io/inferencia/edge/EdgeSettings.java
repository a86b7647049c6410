package io.inferencia.edge;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

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

  /** The environment variable that sets each key of the section (reference.conf), for error messages. */
  private static final Map<String, String> VARIABLES = Map.of(
      "host", "EDGE_HOST",
      "http-port", "EDGE_HTTP_PORT",
      "grpc-port", "EDGE_GRPC_PORT",
      "max-request-bytes", "EDGE_MAX_REQUEST_BYTES",
      "ask-timeout", "EDGE_ASK_TIMEOUT",
      "grpc-compress-responses", "EDGE_GRPC_COMPRESS_RESPONSES",
      "shared-memory.allow-client", "EDGE_ALLOW_CLIENT_SHM");

  /** Reads the section; a bad value fails with the variable that carried it (the node exits on it at start). */
  public static EdgeSettings fromConfig(Config root) {
    Config c = root.getConfig("edge");
    return new EdgeSettings(
        read(c, "host", Config::getString),
        read(c, "http-port", Config::getInt),
        read(c, "grpc-port", Config::getInt),
        read(c, "max-request-bytes", Config::getBytes),
        read(c, "ask-timeout", Config::getDuration),
        read(c, "stream-parallelism", Config::getInt),
        read(c, "server-name", Config::getString),
        read(c, "server-version", Config::getString),
        read(c, "grpc-compress-responses", Config::getBoolean),
        read(c, "shared-memory.allow-client", Config::getBoolean));
  }

  private static <T> T read(Config c, String key, BiFunction<Config, String, T> getter) {
    try {
      return getter.apply(c, key);
    } catch (ConfigException e) {
      String variable = VARIABLES.get(key);
      String where = variable == null ? "edge." + key : variable + " (edge." + key + ")";
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  public EdgeSettings withPorts(int newHttpPort, int newGrpcPort) {
    return new EdgeSettings(
        host, newHttpPort, newGrpcPort, maxRequestBytes, askTimeout, streamParallelism, serverName, serverVersion,
        grpcCompressResponses, allowClientShm);
  }
}

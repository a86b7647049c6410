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
    boolean grpcCompressResponses) {

  /** Protocol extensions this edge implements, as {@code GET /v2} and ServerMetadata report them. */
  public static final List<String> EXTENSIONS =
      List.of("binary_tensor_data", "classification", "model_repository", "model_configuration", "statistics");

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
        c.getBoolean("grpc-compress-responses"));
  }

  public EdgeSettings withPorts(int newHttpPort, int newGrpcPort) {
    return new EdgeSettings(
        host, newHttpPort, newGrpcPort, maxRequestBytes, askTimeout, streamParallelism, serverName, serverVersion,
        grpcCompressResponses);
  }
}

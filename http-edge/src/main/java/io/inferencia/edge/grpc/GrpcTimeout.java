package io.inferencia.edge.grpc;

import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * The gRPC {@code grpc-timeout} request header: up to 8 digits and a unit (H, M, S, m, u, n), how long
 * the client waits for the answer.
 */
public final class GrpcTimeout {
  public static final String HEADER = "grpc-timeout";

  private GrpcTimeout() {}

  /** The client's timeout in microseconds (nanoseconds rounded up), or 0 when absent or malformed. */
  public static long micros(HttpRequest request) {
    return request.getHeader(HEADER).map(h -> parse(h.value())).orElse(Optional.empty()).orElse(0L);
  }

  /** As {@link #micros(HttpRequest)} from a call's metadata. */
  public static long micros(org.apache.pekko.grpc.javadsl.Metadata metadata) {
    return metadata.getText(HEADER).flatMap(GrpcTimeout::parse).orElse(0L);
  }

  static Optional<Long> parse(String value) {
    if (value.length() < 2 || value.length() > 9) return Optional.empty();
    String digits = value.substring(0, value.length() - 1);
    for (int i = 0; i < digits.length(); i++) if (!Character.isDigit(digits.charAt(i))) return Optional.empty();
    long n = Long.parseLong(digits);
    return switch (value.charAt(value.length() - 1)) {
      case 'H' -> Optional.of(n * 3_600_000_000L);
      case 'M' -> Optional.of(n * 60_000_000L);
      case 'S' -> Optional.of(n * 1_000_000L);
      case 'm' -> Optional.of(n * 1_000L);
      case 'u' -> Optional.of(n);
      case 'n' -> Optional.of((n + 999) / 1_000);
      default -> Optional.empty();
    };
  }
}

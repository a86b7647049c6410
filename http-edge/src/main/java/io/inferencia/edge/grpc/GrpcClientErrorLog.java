package io.inferencia.edge.grpc;

import io.grpc.Status;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused gRPC calls (the client's mistakes) as one WARN line each, without a stack trace, and at
 * most {@link #BURST} lines per {@link #INTERVAL}; the next line after a quiet spell says how many were
 * left out. A client sending garbage in a loop must not be able to fill the disk with our log.
 */
public final class GrpcClientErrorLog {
  public static final int BURST = 10;
  public static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(GrpcClientErrorLog.class);
  private static final GrpcClientErrorLog INSTANCE = new GrpcClientErrorLog();

  private long windowStart = System.nanoTime();
  private int inWindow;
  private long suppressed;

  private GrpcClientErrorLog() {}

  /** @param path the call's path, or empty where it is not known */
  public static void refused(String path, Status status) {
    INSTANCE.log(path.isEmpty() ? "" : " " + path, status);
  }

  private void log(String method, Status status) {
    long suppressedBefore;
    synchronized (this) {
      long now = System.nanoTime();
      if (now - windowStart >= INTERVAL.toNanos()) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > BURST) {
        suppressed++;
        return;
      }
      suppressedBefore = suppressed;
      suppressed = 0;
    }
    if (suppressedBefore > 0)
      LOG.warn("gRPC call{} refused: {} {} ({} more refused calls not logged)", method, status.getCode(),
          status.getDescription(), suppressedBefore);
    else
      LOG.warn("gRPC call{} refused: {} {}", method, status.getCode(), status.getDescription());
  }
}

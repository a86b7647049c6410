package io.inferencia.gpu.placement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident set size, read from {@code /proc/self/statm} (Linux). A replica's footprint
 * on the CPU is the growth of it across the replica's load: ONNX Runtime allocates its weights and
 * arenas outside the Java heap, where no JVM counter sees them. Loads on a node run one at a time, so
 * the growth is the load's own.
 */
public final class ResidentMemory {
  private static final Path STATM = Path.of("/proc/self/statm");
  private static final long PAGE = 4096;

  private ResidentMemory() {}

  /** Resident bytes now, or -1 where the platform does not say. Blocking (a small file read). */
  public static long bytes() {
    try {
      String[] fields = Files.readString(STATM).trim().split("\\s+");
      return Long.parseLong(fields[1]) * PAGE;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}

package io.inferencia.gpu.placement;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The memory this process may use: its container's limit (cgroup v2 {@code memory.max}, or v1
 * {@code memory.limit_in_bytes}), else the machine's physical memory. A memory budget given as a
 * percentage ({@code INFERENCE_MEMORY_BUDGET=60%}) is a share of it, as the JVM's
 * {@code MaxRAMPercentage} is of the heap, so one manifest fits every container size.
 */
public final class ContainerMemory {
  /** Above this a cgroup v1 limit means "no limit" (the kernel writes a page-rounded Long.MAX_VALUE). */
  private static final long V1_UNLIMITED = 1L << 60;

  private ContainerMemory() {}

  /** The limit for this process, read from {@code /sys/fs/cgroup}. */
  public static long limitBytes() {
    return limitBytes(Path.of("/sys/fs/cgroup"));
  }

  /** The limit read under {@code cgroupRoot}, else the physical memory. */
  static long limitBytes(Path cgroupRoot) {
    OptionalLong limit = read(cgroupRoot.resolve("memory.max"));
    if (limit.isEmpty()) limit = read(cgroupRoot.resolve("memory").resolve("memory.limit_in_bytes"));
    if (limit.isPresent() && limit.getAsLong() > 0 && limit.getAsLong() < V1_UNLIMITED) return limit.getAsLong();
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
  }

  private static OptionalLong read(Path file) {
    try {
      String text = Files.readString(file).trim();
      return text.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException | SecurityException absent) {
      return OptionalLong.empty();
    }
  }
}

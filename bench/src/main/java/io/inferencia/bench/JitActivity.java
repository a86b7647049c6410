package io.inferencia.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * CPU time the node's JIT compiler threads have used, read from Linux's /proc. A fresh node keeps C2
 * busy for minutes under load on 2 cores (measured: 17-23% of a core still after 70 s, and ocr_cls
 * served 570 -> 1100 requests/s as it settled), so a window measured before the compiler is quiet
 * measures warm-up, not the server. Elsewhere the reading is empty and the benchmark warms up for a
 * fixed time instead. Several JVMs (an edge-only node and its gpu node) count together.
 */
final class JitActivity {
  /** Linux's USER_HZ: the unit of utime and stime in /proc/[pid]/task/[tid]/stat. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final List<Path> tasks;

  JitActivity(long... pids) {
    this.tasks = Arrays.stream(pids).mapToObj(pid -> Path.of("/proc", Long.toString(pid), "task")).toList();
  }

  /** Seconds of CPU the compiler threads of every JVM used so far, if /proc can be read for all of them. */
  OptionalDouble compilerSeconds() {
    long ticks = 0;
    for (Path jvm : tasks) {
      if (!Files.isDirectory(jvm)) return OptionalDouble.empty();
      try (Stream<Path> threads = Files.list(jvm)) {
        for (Path t : (Iterable<Path>) threads::iterator) ticks += compilerTicks(t);
      } catch (IOException e) {
        return OptionalDouble.empty();
      }
    }
    return OptionalDouble.of(ticks / TICKS_PER_SECOND);
  }

  /** utime + stime of one thread if it is a C1 or C2 compiler thread; 0 otherwise or if it is gone. */
  private static long compilerTicks(Path thread) {
    try {
      String stat = Files.readString(thread.resolve("stat"));
      int open = stat.indexOf('(');
      int close = stat.lastIndexOf(')');
      if (open < 0 || close < open) return 0;
      String name = stat.substring(open + 1, close);
      if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) return 0;
      // After the name: state is field 3; utime and stime are fields 14 and 15.
      String[] f = stat.substring(close + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}

package io.inferencia.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A JVM's CPU time split by what its threads do, from {@code /proc/<pid>/task/<tid>/stat} (utime + stime
 * per thread). Java threads are named through {@code jcmd <pid> Thread.print} (its {@code nid} is the
 * Linux thread id), which also lists the JVM's own threads (GC, JIT compilers). Threads the JVM does not
 * know are native: ONNX Runtime's intra-op pools. Inference = those native threads plus the Java
 * threads that call {@code session.run} (the inference blocking dispatcher's, whose share of a run is
 * the caller's part of the intra-op work).
 */
final class ThreadCpu {
  private static final Pattern THREAD = Pattern.compile("^\"(.*?)\" .*\\bnid=(0x[0-9a-f]+|\\d+)", Pattern.MULTILINE);
  /** Linux's USER_HZ: the unit of utime and stime. */
  private static final double TICK_MS = 10.0;

  /** What a thread does, for attribution. */
  enum Kind { INFERENCE, GC, JIT, OTHER }

  /** CPU milliseconds by kind over a window. */
  record Split(Map<Kind, Double> ms) {
    double total() {
      return ms.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    double of(Kind k) {
      return ms.getOrDefault(k, 0.0);
    }
  }

  private final long pid;
  private final Map<Long, String> javaNames = new HashMap<>();

  ThreadCpu(long pid) {
    this.pid = pid;
  }

  /** Ticks per thread id now. */
  Map<Long, Long> snapshot() throws IOException {
    Map<Long, Long> ticks = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.put(Long.parseLong(task.getFileName().toString()), Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (NoSuchFileException ended) {
          // the thread ended while listed
        }
      }
    }
    return ticks;
  }

  /** The window between two snapshots, attributed by kind (Java thread names read now). */
  Split between(Map<Long, Long> before, Map<Long, Long> after) throws IOException, InterruptedException {
    refreshNames();
    Map<Kind, Double> ms = new HashMap<>();
    for (var e : after.entrySet()) {
      long used = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (used > 0) ms.merge(kind(javaNames.get(e.getKey())), used * TICK_MS, Double::sum);
    }
    return new Split(ms);
  }

  static Kind kind(String javaName) {
    if (javaName == null) return Kind.INFERENCE; // native: ONNX Runtime's thread pools
    if (javaName.contains("inference.blocking-dispatcher") || javaName.contains("inference-blocking")) return Kind.INFERENCE;
    if (javaName.startsWith("GC ") || javaName.startsWith("G1 ") || javaName.contains("Parallel GC")) return Kind.GC;
    // The serial collector collects on the VM thread (which also runs the few other safepoint operations).
    if (javaName.equals("VM Thread")) return Kind.GC;
    if (javaName.contains("CompilerThread")) return Kind.JIT;
    return Kind.OTHER;
  }

  private void refreshNames() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("jcmd " + pid + " Thread.print failed:\n" + out);
    Matcher m = THREAD.matcher(out);
    while (m.find()) {
      String nid = m.group(2);
      javaNames.put(nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid), m.group(1));
    }
  }
}

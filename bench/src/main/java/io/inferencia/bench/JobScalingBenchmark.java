package io.inferencia.bench;

import io.inferencia.node.CommonPoolParallelism;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.GpuClusterEnv;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * OCR jobs per second with 1, 2 and 3 gpu-only JVMs behind one edge-only node on this machine (issue
 * 15, section 6). For each count, round after round, on a fresh PostgreSQL database: an edge-only node
 * (the seed, serving the object storage) and N gpu-only nodes on one inference core each, all packaged
 * JVMs. Every gpu node holds a READY replica of ocr, ocr_det, ocr_cls and ocr_rec before anything runs,
 * pinned there ({@code INFERENCE_DEFAULT_MIN_REPLICAS=N}; as shipped, 1, the placement controller may
 * release the copies beyond demand, and its decisions would be part of what is measured; --node-env
 * can set it back). A few warm-up jobs, then {@code --jobs} OCR jobs on one rendered page, submitted
 * at once through the edge's REST API. Jobs/s counts from the first
 * submission to the last success; core-ms per job is utime + stime of each node JVM from /proc over that
 * window, the edge apart from the gpu nodes; utilisation is all node CPU over the window's time on
 * every core (the client, PostgreSQL and other work on the machine are outside it: see "machine busy").
 * The summary ends with two lines derived from the numbers: whether jobs/s scaled, and what the cores allow.
 *
 * <p>Usage: JobScalingBenchmark [--gpu-nodes 1,2,3] [--jobs 200] [--lines 4] [--rounds 1] [--warmup-jobs 10]
 *     [--node-env K=V;K2=V2] [--root checkout]
 *
 * <p>PostgreSQL: {@code TEST_PG_URL} and {@code TEST_PG_USER}, as for edge-hop; a fresh database per
 * cluster, dropped after it.
 */
public final class JobScalingBenchmark {
  static final List<String> MODELS = List.of("ocr", "ocr_det", "ocr_cls", "ocr_rec");
  private static final String MIN_REPLICAS = "INFERENCE_DEFAULT_MIN_REPLICAS";
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  /** Node CPU over the window, as a share of all cores, from which the cores count as used up. */
  static final double SATURATED = 0.85;

  record Options(List<Integer> gpuNodes, int jobs, int lines, int rounds, int warmupJobs, Map<String, String> nodeEnv,
      Path root) {}

  /** One cluster measured: its round, its gpu JVMs, the wave, and the READY replicas at the end. */
  record Row(int round, int gpuNodes, OcrJobWave.Measured m, String replicas) {}

  /** One gpu JVM count, means over rounds; CPU per job in core-ms, utilisation a share of all cores. */
  record Scale(int gpuNodes, int jobs, double seconds, double jobsPerSecond, double edgeMs, double gpuMs,
      double utilisation) {}

  private JobScalingBenchmark() {}

  public static void main(String[] args) throws Exception {
    CommonPoolParallelism.ensure();
    run(parse(BenchArgs.parse(args)));
  }

  static Options parse(Map<String, String> a) {
    Options o = new Options(
        Arrays.stream(BenchArgs.ints(a.getOrDefault("gpu-nodes", "1,2,3"))).distinct().boxed().toList(),
        Integer.parseInt(a.getOrDefault("jobs", "200")),
        Integer.parseInt(a.getOrDefault("lines", "4")),
        Integer.parseInt(a.getOrDefault("rounds", "1")),
        Integer.parseInt(a.getOrDefault("warmup-jobs", "10")),
        BenchArgs.environment(a.getOrDefault("node-env", "")),
        Path.of(a.getOrDefault("root", ".")).toAbsolutePath().normalize());
    if (o.gpuNodes().stream().anyMatch(n -> n < 1)) throw new IllegalArgumentException("--gpu-nodes must be at least 1 each");
    if (o.jobs() < 1 || o.lines() < 1 || o.rounds() < 1)
      throw new IllegalArgumentException("--jobs, --lines and --rounds need at least one");
    if (o.warmupJobs() < 0) throw new IllegalArgumentException("--warmup-jobs cannot be negative");
    return o;
  }

  private static void run(Options o) throws Exception {
    Path jar = o.root().resolve("cluster-node/target/cluster-node.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("build the node first: " + jar + " is missing");
    Path repo = InferenceBenchmark.copyModels(o.root().resolve("model_repository"), MODELS);
    System.out.printf(Locale.ROOT, "%n=== job scaling: OCR jobs through one edge-only node, %s gpu-only JVMs, %d cores,"
            + " %d jobs on a %d-line page, %d round(s); load average at start %s ===%n",
        o.gpuNodes(), CORES, o.jobs(), o.lines(), o.rounds(), EdgeHopBenchmark.loadAverage());
    List<Row> rows = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++)
      for (int n : o.gpuNodes()) {
        Row row = measure(o, jar, repo, round, n);
        rows.add(row);
        print(row);
      }
    System.out.printf(Locale.ROOT, "  (load average at the end %s)%n", EdgeHopBenchmark.loadAverage());
    List<Scale> scales = o.gpuNodes().stream().sorted().map(n -> scale(n, rows)).toList();
    summarize(o, scales);
    interpret(scales, CORES).forEach(line -> System.out.println("  " + line));
  }

  /** A fresh database and cluster of {@code n} gpu JVMs: warm-up wave, measured wave; all stopped and dropped after. */
  private static Row measure(Options o, Path jar, Path repo, int round, int n) throws Exception {
    DatabaseSettings db = postgres();
    try {
      Map<String, String> env = GpuClusterEnv.with(Map.of(MIN_REPLICAS, Integer.toString(n)), o.nodeEnv());
      int replicas = Math.min(n, Integer.parseInt(env.get(MIN_REPLICAS)));
      try (EdgeWithGpuNodes cluster = EdgeWithGpuNodes.start(jar, repo, db, n, env, MODELS, replicas)) {
        JobApi api = new JobApi("http://127.0.0.1:" + cluster.edge.httpPort, null);
        OcrJobWave wave = new OcrJobWave(api, o.lines(), cluster.edge.handle(), cluster.gpuHandles());
        if (o.warmupJobs() > 0) wave.run(o.warmupJobs());
        OcrJobWave.Measured m = wave.run(o.jobs());
        return new Row(round, n, m, cluster.replicas(MODELS));
      }
    } finally {
      TestDatabases.dropPostgres(db);
    }
  }

  private static void print(Row r) {
    OcrJobWave.Measured m = r.m();
    System.out.printf(Locale.ROOT, "r%d %d gpu JVM(s): %4d jobs in %7.2f s = %7.2f jobs/s  core-ms/job edge %7.1f  gpu nodes %7.1f"
            + "  | node CPU %.2f of %d cores (JIT %s of it)  client %3.0f%%  machine busy %3.0f%%  | READY replicas %s%n",
        r.round(), r.gpuNodes(), m.jobs(), m.seconds(), m.jobsPerSecond(), m.edgeMsPerJob(), m.gpuMsPerJob(),
        m.utilisation(), CORES, Double.isNaN(m.jit()) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * m.jit()),
        100 * m.client(), 100 * m.machine(), r.replicas());
  }

  private static Scale scale(int n, List<Row> rows) {
    List<OcrJobWave.Measured> ms = rows.stream().filter(r -> r.gpuNodes() == n).map(Row::m).toList();
    return new Scale(n, ms.get(0).jobs(), mean(ms, OcrJobWave.Measured::seconds), mean(ms, OcrJobWave.Measured::jobsPerSecond),
        mean(ms, OcrJobWave.Measured::edgeMsPerJob), mean(ms, OcrJobWave.Measured::gpuMsPerJob),
        mean(ms, OcrJobWave.Measured::utilisation));
  }

  private static void summarize(Options o, List<Scale> scales) {
    Scale base = scales.get(0);
    System.out.printf(Locale.ROOT, "--- OCR jobs/s by gpu-only JVMs behind one edge-only node, %d cores, means of %d round(s) ---%n",
        CORES, o.rounds());
    System.out.printf(Locale.ROOT, "| gpu JVMs | jobs | seconds | jobs/s | ratio vs %d gpu JVM(s) | core-ms/job edge | core-ms/job gpu nodes"
        + " | CPU utilisation (node CPU / (wall * %d cores)) |%n", base.gpuNodes(), CORES);
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Scale s : scales)
      System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.2f | %.2f | %.1f | %.1f | %.2f |%n", s.gpuNodes(), s.jobs(), s.seconds(),
          s.jobsPerSecond(), s.jobsPerSecond() / base.jobsPerSecond(), s.edgeMs(), s.gpuMs(), s.utilisation());
  }

  /**
   * Two lines read from the figures (sorted by gpu JVMs): whether jobs/s scaled, against linear; and
   * whether the node JVMs had used up the cores, from which count on, and what CPU per job did beyond.
   */
  static List<String> interpret(List<Scale> scales, int cores) {
    List<Scale> s = scales.stream().sorted(Comparator.comparingInt(Scale::gpuNodes)).toList();
    Scale base = s.get(0), last = s.get(s.size() - 1);
    String scaling;
    if (s.size() < 2) {
      scaling = "Scaling: only " + base.gpuNodes() + " gpu JVM(s) measured; give --gpu-nodes 1,2,3 to compare.";
    } else {
      StringBuilder steps = new StringBuilder();
      for (int i = 1; i < s.size(); i++)
        steps.append(String.format(Locale.ROOT, "%s%d -> %d x%.2f (linear x%.2f)", i == 1 ? "" : ", ", s.get(i - 1).gpuNodes(),
            s.get(i).gpuNodes(), s.get(i).jobsPerSecond() / s.get(i - 1).jobsPerSecond(),
            s.get(i).gpuNodes() / (double) s.get(i - 1).gpuNodes()));
      Scale peak = s.stream().max(Comparator.comparingDouble(Scale::jobsPerSecond)).orElseThrow();
      double gain = peak.jobsPerSecond() / base.jobsPerSecond(), linear = peak.gpuNodes() / (double) base.gpuNodes();
      String verdict = gain < 1.1
          ? String.format(Locale.ROOT, "did not scale (at best x%.2f the jobs/s of %d gpu JVM(s))", gain, base.gpuNodes())
          : gain >= 0.8 * linear
              ? String.format(Locale.ROOT, "scaled nearly linearly up to %d gpu JVMs (x%.2f)", peak.gpuNodes(), gain)
              : String.format(Locale.ROOT, "scaled sublinearly: at best x%.2f with %d gpu JVMs, against x%.2f linear", gain,
                  peak.gpuNodes(), linear);
      if (gain >= 1.1 && peak != last) verdict += ", and no further beyond " + peak.gpuNodes();
      scaling = "Scaling: jobs/s " + steps + ": " + verdict + ".";
    }
    Scale saturated = s.stream().filter(x -> x.utilisation() >= SATURATED).findFirst().orElse(null);
    String cpu;
    if (saturated != null) {
      cpu = String.format(Locale.ROOT, "Cores: %d on this machine; with %d gpu JVM(s) the node JVMs already kept %.2f of them busy,"
          + " so a further JVM only shares those cores and cannot add throughput (nor can more than %d gpu JVMs of one inference"
          + " core each on %d cores); it brings its own JIT, GC and heartbeats", cores, saturated.gpuNodes(),
          saturated.utilisation(), cores, cores);
      if (last.gpuNodes() > saturated.gpuNodes()) {
        double rise = last.gpuMs() / saturated.gpuMs();
        cpu += String.format(Locale.ROOT, ": gpu-node core-ms/job %s from %.1f with %d to %.1f with %d.",
            rise > 1.05 ? "rose" : rise < 0.95 ? "fell" : "stayed level", saturated.gpuMs(), saturated.gpuNodes(),
            last.gpuMs(), last.gpuNodes());
      } else cpu += ".";
    } else {
      Scale busiest = s.stream().max(Comparator.comparingDouble(Scale::utilisation)).orElseThrow();
      cpu = String.format(Locale.ROOT, "Cores: %d on this machine; the node JVMs kept at most %.2f of them busy (with %d gpu JVM(s)),"
          + " under %.2f, so the cores did not bound jobs/s in this run (look at machine busy and the READY replicas);"
          + " once they are used up, more than %d gpu JVMs of one inference core each cannot add throughput, only JIT, GC and"
          + " heartbeat work.", cores, busiest.utilisation(), busiest.gpuNodes(), SATURATED, cores);
    }
    return List.of(scaling, cpu);
  }

  private static double mean(List<OcrJobWave.Measured> ms, ToDoubleFunction<OcrJobWave.Measured> f) {
    return ms.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  /** A fresh database; without a PostgreSQL server the run stops here, before any node starts. */
  private static DatabaseSettings postgres() {
    try {
      return TestDatabases.freshPostgres();
    } catch (IllegalStateException e) {
      throw new IllegalStateException("job-scaling runs its nodes on PostgreSQL (the edge-only and gpu-only nodes share one"
          + " database for the job machinery; TEST_PG_URL and TEST_PG_USER choose the server): " + e.getMessage(), e);
    }
  }
}

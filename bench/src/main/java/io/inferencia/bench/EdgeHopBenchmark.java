package io.inferencia.bench;

import io.inferencia.bench.InferenceBenchmark.Target;
import io.inferencia.bench.LatencyRecorder.Summary;
import io.inferencia.node.CommonPoolParallelism;
import io.inferencia.node.testkit.LocalClient;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import io.inferencia.protocols.grpc.ModelInferRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What the hop from an edge-only node to a gpu-only node costs synchronous inference, against a node
 * that serves locally, in one run: a node with {@code NODE_ROLES=edge,gpu}, and a pair of an edge-only
 * and a gpu-only node (the edge is the seed; both on one PostgreSQL database, as the job machinery
 * needs), all three packaged JVMs up for the whole run. h2load drives the same gRPC ModelInfer call at
 * a fixed number of streams through each, alternating local and hop for every load and round, so the
 * two windows compared are seconds apart. Each row gives throughput, p50/p99 and the CPU time per
 * request of each JVM under test (utime + stime from /proc over the window); the summary gives, per
 * load, the means over rounds, the hop/local ratios and the extra core-ms a request costs through the
 * hop (the pair's two JVMs together minus the local node).
 *
 * <p>Usage: EdgeHopBenchmark [--seconds 10] [--rounds 2] [--loads ocr_cls:16,ocr_cls:64,ocr_rec:16]
 *     [--variant fixed-4|shipped|off|adaptive|fixed-N] [--warmup 30] [--warmup-max 180]
 *     [--node-env K=V;K2=V2] [--root checkout]
 *
 * <p>PostgreSQL: {@code TEST_PG_URL} (default jdbc:postgresql://127.0.0.1:5432/test) as {@code
 * TEST_PG_USER} (postgres), as for the test suite; a fresh database per setup, dropped at the end.
 */
public final class EdgeHopBenchmark {
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final double SETTLE_SECONDS = 2;

  /** One load: a model at a fixed number of concurrent h2load streams. */
  record Load(Target target, int streams) {
    /** "model:streams". */
    static Load parse(String spec) {
      int colon = spec.indexOf(':');
      if (colon <= 0) throw new IllegalArgumentException("--loads expects model:streams, got " + spec);
      Target t = InferenceBenchmark.TARGETS.get(spec.substring(0, colon).trim());
      if (t == null)
        throw new IllegalArgumentException("unknown model in " + spec + "; known: " + InferenceBenchmark.TARGETS.keySet());
      return new Load(t, Integer.parseInt(spec.substring(colon + 1).trim()));
    }

    String label() {
      return String.format(Locale.ROOT, "%-7s %3d streams", target.model(), streams);
    }
  }

  record Options(double seconds, int rounds, List<Load> loads, String variant, double warmup, double warmupMax,
      Map<String, String> nodeEnv, Path root) {}

  /**
   * One way of serving: the port h2load calls and the JVMs doing the work; {@code gpu} is null where
   * one JVM does both (local serving).
   */
  private record Setup(String name, int grpcPort, ProcessHandle edge, ProcessHandle gpu) {
    JitActivity jit() {
      return gpu == null ? new JitActivity(edge.pid()) : new JitActivity(edge.pid(), gpu.pid());
    }

    long cpuNanos() {
      return cpu(edge) + (gpu == null ? 0 : cpu(gpu));
    }
  }

  /**
   * One measured window. Core-ms per request: {@code edgeMs} and {@code gpuMs} for the pair's JVMs,
   * NaN for local serving, whose one JVM is {@code totalMs}. Shares of the machine's CPU: {@code
   * setup} the JVMs under test, {@code others} the idle setup's JVMs, {@code machine} all of it busy,
   * {@code outside} the part no process of this run used (other work on a shared machine).
   */
  record Row(int round, Load load, String setup, Summary summary, double totalMs, double edgeMs, double gpuMs,
      double setupShare, double h2load, double others, double machine, double outside) {}

  private EdgeHopBenchmark() {}

  public static void main(String[] args) throws Exception {
    CommonPoolParallelism.ensure();
    run(parse(BenchArgs.parse(args)));
  }

  static Options parse(Map<String, String> a) {
    Options o = new Options(
        Double.parseDouble(a.getOrDefault("seconds", "10")),
        Integer.parseInt(a.getOrDefault("rounds", "2")),
        Arrays.stream(a.getOrDefault("loads", "ocr_cls:16,ocr_cls:64,ocr_rec:16").split(",")).map(Load::parse).toList(),
        a.getOrDefault("variant", "fixed-4"),
        Double.parseDouble(a.getOrDefault("warmup", "30")),
        Double.parseDouble(a.getOrDefault("warmup-max", "180")),
        BenchArgs.environment(a.getOrDefault("node-env", "")),
        Path.of(a.getOrDefault("root", ".")).toAbsolutePath().normalize());
    if (!o.variant().equals("shipped")) BatchingVariant.parse(o.variant()); // fails early on a bad label
    if (o.rounds() < 1 || o.loads().isEmpty()) throw new IllegalArgumentException("--rounds and --loads need at least one");
    return o;
  }

  private static void run(Options o) throws Exception {
    Path jar = o.root().resolve("cluster-node/target/cluster-node.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("build the node first: " + jar + " is missing");
    if (!H2LoadGrpc.available())
      throw new IllegalStateException("edge-hop drives its load with h2load: apt-get install nghttp2-client");
    List<String> models = o.loads().stream().map(l -> l.target().model()).distinct().toList();
    Path repo = InferenceBenchmark.copyModels(o.root().resolve("model_repository"), models);
    if (!o.variant().equals("shipped"))
      for (String m : models) BatchingVariant.parse(o.variant()).apply(repo.resolve(m).resolve("config.pbtxt"));

    DatabaseSettings localDb = postgres();
    DatabaseSettings pairDb = null;
    try {
      pairDb = postgres();
      System.out.printf(Locale.ROOT, "%n=== edge hop: local (edge,gpu) against edge-only -> gpu-only, %d cores, batching %s,"
          + " h2load, %.0f s windows, %d rounds; load average at start %s ===%n", CORES, o.variant(), o.seconds(), o.rounds(), loadAverage());
      Map<String, String> common = new HashMap<>(o.nodeEnv());
      String secret = "edge-hop-" + UUID.randomUUID();
      common.putAll(Map.of("S3_ACCESS_KEY", "inferencia", "S3_SECRET_KEY", secret));
      try (NodeProcess local = NodeProcess.start(jar, repo, Files.createTempDirectory("hop-local"),
              with(common, database(localDb), Map.of("NODE_ROLES", "edge,gpu")));
          Pair pair = Pair.start(jar, repo, with(common, database(pairDb)))) {
        Setup localSetup = new Setup("local", local.grpcPort, local.handle(), null);
        Setup hopSetup = new Setup("hop", pair.edge.grpcPort, pair.edge.handle(), pair.gpu.handle());
        measure(o, localSetup, hopSetup);
      }
    } finally {
      TestDatabases.dropPostgres(localDb);
      if (pairDb != null) TestDatabases.dropPostgres(pairDb);
    }
  }

  /** The edge-only node (the seed, with the embedded object storage) and a gpu-only node joined to it. */
  private record Pair(NodeProcess edge, NodeProcess gpu) implements AutoCloseable {
    static Pair start(Path jar, Path repo, Map<String, String> env) throws Exception {
      int seedPort = NodeProcess.freePort();
      int s3Port = NodeProcess.freePort();
      Map<String, String> shared = with(env, Map.of("SEED_NODES", "pekko://inferencia@127.0.0.1:" + seedPort));
      NodeProcess edge = NodeProcess.launch(jar, repo, Files.createTempDirectory("hop-edge"), with(shared, Map.of(
          "NODE_ROLES", "edge", "REMOTE_PORT", Integer.toString(seedPort), "S3_PORT", Integer.toString(s3Port))));
      NodeProcess gpu = null;
      try {
        gpu = NodeProcess.launch(jar, repo, Files.createTempDirectory("hop-gpu"), with(shared, Map.of(
            "NODE_ROLES", "gpu", "S3_ENDPOINT", "http://127.0.0.1:" + s3Port)));
        // The edge is ready once it reaches the gpu node's models through the cluster.
        edge.awaitReady(Duration.ofSeconds(240));
        return new Pair(edge, gpu);
      } catch (Exception | Error e) {
        String gpuLog = gpu == null ? "(not started)" : gpu.output();
        edge.close();
        if (gpu != null) gpu.close();
        throw new IllegalStateException("the edge-only/gpu-only pair did not start; gpu node's log:\n" + gpuLog, e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      try {
        edge.close();
      } finally {
        gpu.close();
      }
    }
  }

  private static void measure(Options o, Setup local, Setup hop) throws Exception {
    List<Setup> setups = List.of(local, hop);
    Map<String, ModelInferRequest> requests = new LinkedHashMap<>();
    for (Load l : o.loads()) {
      Target t = l.target();
      long[] shape = new long[t.itemShape().length + 1];
      shape[0] = 1;
      System.arraycopy(t.itemShape(), 0, shape, 1, t.itemShape().length);
      requests.putIfAbsent(t.model(), GrpcInferClient.request(t.model(), t.input(), shape, BenchInputs.fp32(shape, 42)));
    }
    // h2load cannot read gRPC status: a real answer's size, through each setup, tells answers from errors.
    Map<String, Long> answerBytes = answerSizes(setups, requests);

    Map<String, Integer> maxStreams = new LinkedHashMap<>();
    for (Load l : o.loads()) maxStreams.merge(l.target().model(), l.streams(), Math::max);
    for (Setup s : setups) {
      InferenceBenchmark.warmUp(s.name(), s.jit(), () -> {
        for (var m : maxStreams.entrySet())
          H2LoadGrpc.run(s.grpcPort(), requests.get(m.getKey()), m.getValue(),
              InferenceBenchmark.WARMUP_ROUND_SECONDS / maxStreams.size(), answerBytes.get(s.name() + " " + m.getKey()), CORES);
      }, o.warmup(), Math.max(o.warmup(), o.warmupMax()));
    }

    Map<String, OptionalDouble> jitBefore = new HashMap<>();
    for (Setup s : setups) jitBefore.put(s.name(), s.jit().compilerSeconds());
    long measuredFrom = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++)
      for (Load l : o.loads())
        for (Setup s : setups) {
          Setup other = s == local ? hop : local;
          ModelInferRequest request = requests.get(l.target().model());
          long minBytes = answerBytes.get(s.name() + " " + l.target().model());
          H2LoadGrpc.run(s.grpcPort(), request, l.streams(), SETTLE_SECONDS, minBytes, CORES);
          long edge0 = cpu(s.edge()), gpu0 = s.gpu() == null ? 0 : cpu(s.gpu()), other0 = other.cpuNanos();
          long[] machine0 = machineTicks();
          long wall0 = System.nanoTime();
          H2LoadGrpc.Result r = H2LoadGrpc.run(s.grpcPort(), request, l.streams(), o.seconds(), minBytes, CORES);
          double wall = (System.nanoTime() - wall0) * (double) CORES;
          long edgeNs = cpu(s.edge()) - edge0, gpuNs = s.gpu() == null ? 0 : cpu(s.gpu()) - gpu0;
          long[] machine1 = machineTicks();
          long n = Math.max(1, r.summary().requests());
          double setupShare = (edgeNs + gpuNs) / wall, others = (other.cpuNanos() - other0) / wall;
          double machine = busy(machine0, machine1);
          Row row = new Row(round, l, s.name(), r.summary(), (edgeNs + gpuNs) / 1e6 / n,
              s.gpu() == null ? Double.NaN : edgeNs / 1e6 / n, s.gpu() == null ? Double.NaN : gpuNs / 1e6 / n,
              setupShare, r.clientCpu(), others, machine, machine - setupShare - others - r.clientCpu());
          rows.add(row);
          print(row);
        }
    double measured = (System.nanoTime() - measuredFrom) / 1e9;
    StringBuilder jit = new StringBuilder();
    for (Setup s : setups) {
      OptionalDouble before = jitBefore.get(s.name()), after = s.jit().compilerSeconds();
      if (before.isPresent() && after.isPresent())
        jit.append(String.format(Locale.ROOT, " %s %.1f%%", s.name(), 100 * (after.getAsDouble() - before.getAsDouble()) / measured));
    }
    if (!jit.isEmpty()) System.out.println("  (JIT compilers while measured, share of a core:" + jit + ")");
    System.out.printf(Locale.ROOT, "  (load average at the end %s)%n", loadAverage());
    summarize(o, rows);
  }

  /** One call per model through each setup with the Pekko gRPC client: checks the path, sizes the answer. */
  private static Map<String, Long> answerSizes(List<Setup> setups, Map<String, ModelInferRequest> requests)
      throws Exception {
    Map<String, Long> sizes = new HashMap<>();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench-client", LocalClient.config());
    try {
      for (Setup s : setups)
        for (var r : requests.entrySet())
          try (GrpcInferClient client = new GrpcInferClient(system, s.grpcPort(), r.getValue())) {
            sizes.put(s.name() + " " + r.getKey(), (long) client.infer().toCompletableFuture().get().getSerializedSize());
          }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
    }
    return sizes;
  }

  private static void print(Row r) {
    Summary s = r.summary();
    String cpu = r.setup().equals("local")
        ? String.format(Locale.ROOT, "node %5.2f            ", r.totalMs())
        : String.format(Locale.ROOT, "edge %5.2f  gpu %5.2f ", r.edgeMs(), r.gpuMs());
    System.out.printf(Locale.ROOT, "r%d %-5s %s: %8.1f req/s  p50 %8.2f  p99 %8.2f ms  core-ms/req %s total %5.2f"
            + "  | cpu setup %3.0f%% h2load %3.0f%% idle setup %3.0f%% outside this run %3.0f%% (machine busy %3.0f%%)  errors %d%n",
        r.round(), r.setup(), r.load().label(), s.itemsPerSecond(), s.p50(), s.p99(), cpu, r.totalMs(),
        100 * r.setupShare(), 100 * r.h2load(), 100 * r.others(), 100 * r.outside(), 100 * r.machine(), s.errors());
  }

  private static void summarize(Options o, List<Row> rows) {
    System.out.printf(Locale.ROOT, "--- hop (edge-only -> gpu-only) against local (edge,gpu), means of %d round(s) ---%n", o.rounds());
    // hop/local at equal CPU: the throughput ratio if both setups had the same CPU to spend (local core-ms
    // over hop core-ms per request); on a machine shared with other work the measured ratio also
    // carries how much CPU each setup won from it.
    System.out.println("| load | local req/s | hop req/s | hop/local | local p50 | hop p50 | hop/local p50 | local p99 | hop p99 "
        + "| core-ms/req local | hop edge | hop gpu | hop total | extra per request | hop/local at equal CPU | machine share local, hop |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Load l : o.loads()) {
      List<Row> loc = rows.stream().filter(r -> r.load().equals(l) && r.setup().equals("local")).toList();
      List<Row> hop = rows.stream().filter(r -> r.load().equals(l) && r.setup().equals("hop")).toList();
      double lt = mean(loc, r -> r.summary().itemsPerSecond()), ht = mean(hop, r -> r.summary().itemsPerSecond());
      double l50 = mean(loc, r -> r.summary().p50()), h50 = mean(hop, r -> r.summary().p50());
      double lCpu = mean(loc, Row::totalMs), hCpu = mean(hop, Row::totalMs);
      System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.2f ms | %.2f ms | %.2f | %.2f ms | %.2f ms | %.2f | %.2f | %.2f | %.2f"
              + " | %+.2f core-ms | %.2f | %.0f%%, %.0f%% |%n",
          l.label().replaceAll(" +", " "), lt, ht, ht / lt, l50, h50, h50 / l50, mean(loc, r -> r.summary().p99()),
          mean(hop, r -> r.summary().p99()), lCpu, mean(hop, Row::edgeMs), mean(hop, Row::gpuMs), hCpu, hCpu - lCpu,
          lCpu / hCpu, 100 * mean(loc, Row::setupShare), 100 * mean(hop, Row::setupShare));
    }
    long errors = rows.stream().mapToLong(r -> r.summary().errors()).sum();
    if (errors > 0) System.out.println("  (" + errors + " errors: rows with errors count 0 req/s)");
  }

  private static double mean(List<Row> rows, ToDoubleFunction<Row> f) {
    return rows.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  /** A fresh database; without a PostgreSQL server the run stops here, before any node starts. */
  private static DatabaseSettings postgres() {
    try {
      return TestDatabases.freshPostgres();
    } catch (IllegalStateException e) {
      throw new IllegalStateException("edge-hop runs its nodes on PostgreSQL (the edge-only and gpu-only nodes must share "
          + "one database for the job machinery; TEST_PG_URL and TEST_PG_USER choose the server): " + e.getMessage(), e);
    }
  }

  private static Map<String, String> database(DatabaseSettings db) {
    return Map.of("DB_URL", db.url(), "DB_USER", db.user());
  }

  @SafeVarargs
  private static Map<String, String> with(Map<String, String>... maps) {
    Map<String, String> all = new HashMap<>();
    for (Map<String, String> m : maps) all.putAll(m);
    return all;
  }

  /** utime + stime of the whole process (all threads), as /proc/[pid]/stat has them. */
  private static long cpu(ProcessHandle p) {
    return p.info().totalCpuDuration().map(Duration::toNanos)
        .orElseThrow(() -> new IllegalStateException("no CPU time for pid " + p.pid() + " (edge-hop needs Linux's /proc)"));
  }

  /** The machine's busy and total ticks from /proc/stat's cpu line; zeros where there is none. */
  static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) total += Long.parseLong(f[i]); // user .. steal
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  static double busy(long[] from, long[] to) {
    long total = to[1] - from[1];
    return total <= 0 ? Double.NaN : (to[0] - from[0]) / (double) total;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}

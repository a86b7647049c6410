package io.inferencia.bench;

import io.inferencia.bench.LatencyRecorder.Summary;
import io.inferencia.bench.RawOrtThroughput.Layout;
import io.inferencia.node.CommonPoolParallelism;
import io.inferencia.node.testkit.LocalClient;
import io.inferencia.node.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Raw ONNX Runtime throughput per batch size and session layout against served throughput and
 * latency through gRPC and REST (binary extension) at several client counts, for each batching
 * setting, in one run. Each served row also gives the CPU share the node and this client used.
 *
 * <p>Usage: InferenceBenchmark [--seconds S] [--models ocr_cls,ocr_rec] [--clients 1,16,64]
 *     [--variants off,fixed-4,fixed-32,adaptive] [--warmup min seconds] [--warmup-max seconds]
 *     [--raw-batches 1,2,4,8,16,32]
 *     [--protocols grpc,rest,h2load,grpc-shm] [--node-env K=V;K2=V2] [--root checkout]
 *
 * <p>Protocol h2load drives the same gRPC call from h2load (C), whose CPU cost is a fraction of the
 * Java client's, so its rows show what the server does with most of the machine to itself. Protocol
 * grpc-shm sends it with the input and the output in system shared memory (the node then runs with
 * EDGE_ALLOW_CLIENT_SHM=on), as a Triton client on the same host can.
 *
 * <p>Each node warms up at full load until its JIT compiler is quiet (below {@link #JIT_QUIET} of a
 * core over a round), at least {@code --warmup} and at most {@code --warmup-max} seconds: measuring
 * while C2 still compiles measured the JIT, not the server.
 */
public final class InferenceBenchmark {
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  /** Compiler CPU, as a share of one core, under which the node counts as warmed up. */
  static final double JIT_QUIET = 0.03;
  static final double WARMUP_ROUND_SECONDS = 6;

  record Target(String model, String input, String output, long[] itemShape) {}

  /**
   * One measured window. rawNow: the raw best configuration measured again right before this variant,
   * because this VM's speed drifts by tens of percent within a run. ort: the node's session time in it.
   */
  record Row(String model, String variant, String protocol, int clients, Summary summary, CpuMeter.Usage cpu,
      double rawNow, NodeOrtTime.Window ort) {}

  /** The raw table by layout and batch size, with its best cell. */
  record RawTable(Map<Layout, Map<Integer, Double>> byLayout) {
    double best() {
      Map.Entry<Layout, Integer> cell = bestCell();
      return byLayout.get(cell.getKey()).get(cell.getValue());
    }

    Map.Entry<Layout, Integer> bestCell() {
      Map.Entry<Layout, Integer> cell = null;
      double best = -1;
      for (var l : byLayout.entrySet())
        for (var b : l.getValue().entrySet())
          if (b.getValue() > best) {
            best = b.getValue();
            cell = Map.entry(l.getKey(), b.getKey());
          }
      return cell;
    }

    /**
     * Session time per item alone, for sessions laid out as the node lays them out on CPU (one
     * single-threaded session per core, or the only layout measured), at the measured batch size
     * nearest to {@code batch}.
     */
    double aloneMsPerItem(double batch) {
      Layout layout = byLayout.containsKey(new Layout(CORES, 1)) ? new Layout(CORES, 1) : byLayout.keySet().iterator().next();
      Map<Integer, Double> row = byLayout.get(layout);
      int nearest = row.keySet().stream().min((a, b) -> Double.compare(Math.abs(a - batch), Math.abs(b - batch))).orElseThrow();
      return layout.sessions() * 1000.0 / row.get(nearest);
    }
  }

  record Options(double seconds, double warmup, double warmupMax, List<String> models, int[] clients, List<BatchingVariant> variants,
      int[] rawBatches, List<String> protocols, Map<String, String> nodeEnv, Path root) {}

  static final Map<String, Target> TARGETS = Map.of(
      "ocr_cls", new Target("ocr_cls", "x", "softmax_0.tmp_0", new long[] {3, 48, 192}),
      "ocr_rec", new Target("ocr_rec", "x", "softmax_11.tmp_0", new long[] {3, 48, 320}));

  public static void main(String[] args) throws Exception {
    CommonPoolParallelism.ensure();
    Options o = parse(BenchArgs.parse(args));
    Path jar = o.root().resolve("cluster-node/target/cluster-node.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("build the node first: " + jar + " is missing");
    ActorSystem<Void> clientSystem = ActorSystem.create(Behaviors.empty(), "bench-client", LocalClient.config());
    try {
      for (String name : o.models()) {
        Target t = TARGETS.get(name);
        if (t == null) throw new IllegalArgumentException("unknown model " + name + "; known: " + TARGETS.keySet());
        benchModel(t, o, jar, clientSystem);
      }
    } finally {
      clientSystem.terminate();
    }
  }

  static Options parse(Map<String, String> a) {
    return new Options(
        Double.parseDouble(a.getOrDefault("seconds", "5")),
        Double.parseDouble(a.getOrDefault("warmup", "15")),
        Double.parseDouble(a.getOrDefault("warmup-max", "240")),
        List.of(a.getOrDefault("models", "ocr_cls,ocr_rec").split(",")),
        BenchArgs.ints(a.getOrDefault("clients", "1,16,64")),
        Arrays.stream(a.getOrDefault("variants", "off,fixed-4,fixed-32,adaptive").split(","))
            .map(BatchingVariant::parse).toList(),
        BenchArgs.ints(a.getOrDefault("raw-batches", "1,2,4,8,16,32")),
        List.of(a.getOrDefault("protocols", "grpc,rest").split(",")),
        BenchArgs.environment(a.getOrDefault("node-env", "")),
        Path.of(a.getOrDefault("root", ".")).toAbsolutePath().normalize());
  }

  private static void benchModel(Target t, Options o, Path jar, ActorSystem<Void> clientSystem) throws Exception {
    Path repo = o.root().resolve("model_repository");
    System.out.printf(Locale.ROOT, "%n=== %s, item %s, %d cores ===%n", t.model(), Arrays.toString(t.itemShape()), CORES);
    RawTable raw = printRaw(t, o, repo);
    double rawBest = raw.best();
    Map.Entry<Layout, Integer> bestCell = raw.bestCell();
    Path modelFile = repo.resolve(t.model()).resolve("1/model.onnx");

    long[] shape = new long[t.itemShape().length + 1];
    shape[0] = 1;
    System.arraycopy(t.itemShape(), 0, shape, 1, t.itemShape().length);
    byte[] input = BenchInputs.fp32(shape, 42);
    int maxClients = o.clients()[o.clients().length - 1];

    List<Row> rows = new ArrayList<>();
    // One node per model: each variant rewrites the config and reloads the model through Triton's
    // repository API, so every variant is measured on the same warmed-up JVM.
    Path variantRepo = copyModels(repo, List.of(t.model()));
    Path config = variantRepo.resolve(t.model()).resolve("config.pbtxt");
    String shipped = Files.readString(config);
    boolean shm = o.protocols().contains("grpc-shm");
    Map<String, String> nodeEnv = new LinkedHashMap<>(o.nodeEnv());
    if (shm) nodeEnv.put("EDGE_ALLOW_CLIENT_SHM", "on");
    GrpcShmClient shmClient = null;
    try (NodeProcess node = NodeProcess.start(jar, variantRepo, Files.createTempDirectory("bench-data"), nodeEnv);
        GrpcInferClient grpc = new GrpcInferClient(clientSystem, node.grpcPort, t.model(), t.input(), shape, input)) {
      RestBinaryClient rest = new RestBinaryClient(node.httpPort, t.model(), t.input(), t.output(), shape, input);
      Map<String, Supplier<CompletionStage<?>>> calls = new LinkedHashMap<>();
      if (o.protocols().contains("grpc")) calls.put("grpc", grpc::infer);
      if (o.protocols().contains("rest")) calls.put("rest", rest::infer);
      if (shm) {
        // Output slots sized from a real answer; one per client, so concurrent answers never share one.
        long outputBytes = grpc.infer().toCompletableFuture().get().getRawOutputContents(0).size();
        shmClient = new GrpcShmClient(clientSystem, node.grpcPort, t.model(), t.input(), t.output(), shape, input,
            outputBytes, maxClients);
        calls.put("grpc-shm", shmClient::infer);
      }
      CpuMeter meter = new CpuMeter(node.handle());
      JitActivity jit = new JitActivity(node.handle().pid());
      boolean h2load = o.protocols().contains("h2load");
      if (h2load && !H2LoadGrpc.available())
        throw new IllegalStateException("protocol h2load needs h2load on the PATH (apt-get install nghttp2-client)");
      // h2load cannot read gRPC status: a real answer's size tells answers from errors.
      long answerBytes = h2load ? grpc.infer().toCompletableFuture().get().getSerializedSize() : 0;
      boolean first = true;
      for (BatchingVariant v : o.variants()) {
        Files.writeString(config, shipped);
        v.apply(config);
        RepositoryControl.reload(node.httpPort, t.model());
        // A fresh JVM compiles its hot paths for minutes on 2 cores: the first variant warms every
        // protocol at full load until the compiler is quiet; later ones settle (the adaptive cap, the
        // new sessions, code paths only this setting takes).
        double minWarm = first ? o.warmup() : Math.min(o.warmup(), 5);
        double maxWarm = first ? Math.max(minWarm, o.warmupMax()) : Math.max(minWarm, o.warmupMax() / 4);
        first = false;
        int warmers = calls.size() + (h2load ? 1 : 0);
        LoadRound round = () -> {
          for (var call : calls.values()) ClosedLoopLoad.run(maxClients, WARMUP_ROUND_SECONDS / warmers, 0.1, 1, call);
          if (h2load) H2LoadGrpc.run(node.grpcPort, grpc.request(), maxClients, WARMUP_ROUND_SECONDS / warmers, answerBytes, CORES);
        };
        warmUp(t.model() + " " + v.label(), jit, round, minWarm, maxWarm);
        // The node idles meanwhile (about 3% of a core: its read-side polling).
        double rawNow = RawOrtThroughput.measure(modelFile, t.input(), t.itemShape(), new int[] {bestCell.getValue()},
            Math.max(2, o.seconds() / 2), bestCell.getKey()).get(bestCell.getValue());
        System.out.printf(Locale.ROOT, "  (raw best cell again, %s batch %d: %.1f items/s; at the start %.1f)%n",
            bestCell.getKey().label(), bestCell.getValue(), rawNow, rawBest);
        OptionalDouble jitBefore = jit.compilerSeconds();
        long measuredFrom = System.nanoTime();
        for (int c : o.clients()) {
          for (var call : calls.entrySet()) {
            ClosedLoopLoad.run(c, 2, 0.01, 1, call.getValue());
            CpuMeter.Snapshot start = meter.snapshot();
            NodeOrtTime.Counters ortStart = NodeOrtTime.read(node.httpPort, t.model());
            Summary s = ClosedLoopLoad.run(c, 0, o.seconds(), 1, call.getValue());
            NodeOrtTime.Window ort = NodeOrtTime.read(node.httpPort, t.model()).since(ortStart);
            Row row = new Row(t.model(), v.label(), call.getKey(), c, s, meter.snapshot().since(start, CORES), rawNow, ort);
            rows.add(row);
            print(row, raw);
          }
          if (h2load) {
            H2LoadGrpc.run(node.grpcPort, grpc.request(), c, 2, answerBytes, CORES);
            CpuMeter.Snapshot start = meter.snapshot();
            NodeOrtTime.Counters ortStart = NodeOrtTime.read(node.httpPort, t.model());
            H2LoadGrpc.Result r = H2LoadGrpc.run(node.grpcPort, grpc.request(), c, o.seconds(), answerBytes, CORES);
            NodeOrtTime.Window ort = NodeOrtTime.read(node.httpPort, t.model()).since(ortStart);
            CpuMeter.Usage used = meter.snapshot().since(start, CORES);
            Row row = new Row(t.model(), v.label(), "h2load", c, r.summary(), new CpuMeter.Usage(used.node(), r.clientCpu()),
                rawNow, ort);
            rows.add(row);
            print(row, raw);
          }
        }
        OptionalDouble jitAfter = jit.compilerSeconds();
        if (jitBefore.isPresent() && jitAfter.isPresent())
          System.out.printf(Locale.ROOT, "  (JIT compiler while %s %s was measured: %.1f%% of a core)%n", t.model(), v.label(),
              100 * (jitAfter.getAsDouble() - jitBefore.getAsDouble()) / ((System.nanoTime() - measuredFrom) / 1e9));
      }
    } finally {
      if (shmClient != null) shmClient.close();
    }
    summarize(t.model(), rows, raw, maxClients, o.protocols());
  }

  /** One round of full load over every protocol under test. */
  interface LoadRound {
    void run() throws Exception;
  }

  /**
   * Runs warm-up rounds until at least {@code minSeconds} passed and the compiler used under {@link
   * #JIT_QUIET} of a core in the last round, or {@code maxSeconds} passed. Without /proc: minSeconds.
   */
  static void warmUp(String what, JitActivity jit, LoadRound round, double minSeconds, double maxSeconds)
      throws Exception {
    long start = System.nanoTime();
    double share = Double.NaN;
    while (true) {
      double elapsed = (System.nanoTime() - start) / 1e9;
      boolean quiet = !Double.isNaN(share) && share < JIT_QUIET;
      boolean unmeasured = jit.compilerSeconds().isEmpty();
      if (elapsed >= maxSeconds || (elapsed >= minSeconds && (quiet || unmeasured))) break;
      OptionalDouble before = jit.compilerSeconds();
      long roundStart = System.nanoTime();
      round.run();
      OptionalDouble after = jit.compilerSeconds();
      if (before.isPresent() && after.isPresent())
        share = (after.getAsDouble() - before.getAsDouble()) / ((System.nanoTime() - roundStart) / 1e9);
    }
    System.out.printf(Locale.ROOT, "  (warm-up %s: %.0f s; JIT compiler %s in the last round)%n", what,
        (System.nanoTime() - start) / 1e9, Double.isNaN(share) ? "not measured" : String.format(Locale.ROOT, "%.1f%% of a core", 100 * share));
  }

  /** Prints the raw table (batch size by layout) and returns it. */
  private static RawTable printRaw(Target t, Options o, Path repo) throws Exception {
    Path model = repo.resolve(t.model()).resolve("1/model.onnx");
    Map<Layout, Map<Integer, Double>> raw = new LinkedHashMap<>();
    for (Layout layout : Layout.forCores(CORES))
      raw.put(layout, RawOrtThroughput.measure(model, t.input(), t.itemShape(), o.rawBatches(), Math.max(2, o.seconds() / 2), layout));
    System.out.println("raw ONNX Runtime, items/s by batch size and session layout:");
    System.out.printf(Locale.ROOT, "  %-6s", "batch");
    for (Layout l : raw.keySet()) System.out.printf(Locale.ROOT, " %14s", l.label());
    System.out.println();
    for (int b : o.rawBatches()) {
      System.out.printf(Locale.ROOT, "  %-6d", b);
      for (var perBatch : raw.values()) System.out.printf(Locale.ROOT, " %14.1f", perBatch.get(b));
      System.out.println();
    }
    return new RawTable(raw);
  }

  private static void print(Row r, RawTable raw) {
    Summary s = r.summary();
    System.out.printf(Locale.ROOT, "%-8s %-9s %-8s %3d clients: %8.1f items/s  p50 %7.2f  p95 %7.2f  p99 %7.2f ms"
            + "  served/raw-best %.2f (raw now %.2f)  cpu node %3.0f%% client %3.0f%%  ort %.2f ms/item @%.1f (alone %.2f)"
            + "  errors %d%n",
        r.model(), r.variant(), r.protocol(), r.clients(), s.itemsPerSecond(), s.p50(), s.p95(), s.p99(),
        s.itemsPerSecond() / raw.best(), s.itemsPerSecond() / r.rawNow(), r.cpu().node() * 100, r.cpu().client() * 100,
        r.ort().msPerItem(), r.ort().meanBatch(), raw.aloneMsPerItem(r.ort().meanBatch()), s.errors());
  }

  private static void summarize(String model, List<Row> rows, RawTable raw, int maxClients, List<String> protocols) {
    double rawBest = raw.best();
    System.out.printf(Locale.ROOT, "--- %s at %d clients (raw best %.1f items/s) ---%n", model, maxClients, rawBest);
    for (String protocol : protocols) {
      Map<String, Row> byVariant = new LinkedHashMap<>();
      rows.stream().filter(r -> r.protocol().equals(protocol) && r.clients() == maxClients)
          .forEach(r -> byVariant.put(r.variant(), r));
      double off = rate(byVariant.get("off"));
      double bestFixed = byVariant.entrySet().stream().filter(e -> e.getKey().startsWith("fixed"))
          .mapToDouble(e -> rate(e.getValue())).max().orElse(Double.NaN);
      double adaptive = rate(byVariant.get("adaptive"));
      Row best = byVariant.values().stream().max((a, b) -> Double.compare(rate(a), rate(b))).orElse(null);
      if (best == null) continue;
      // What the same server would reach if the client's CPU were free for inference.
      double clientFree = rate(best) / (1 - best.cpu().client());
      System.out.printf(Locale.ROOT,
          "%-5s best served/raw-best %.2f (%s; against raw measured beside it %.2f; client used %.0f%% of the machine, "
              + "served/raw without it %.2f; ORT per item %.2fx its time alone) | batching(best on)/off %.2f | "
              + "adaptive/best-fixed %.2f%n",
          protocol, rate(best) / rawBest, best.variant(), rate(best) / best.rawNow(), best.cpu().client() * 100,
          clientFree / rawBest, best.ort().msPerItem() / raw.aloneMsPerItem(best.ort().meanBatch()),
          Math.max(bestFixed, adaptive) / off, adaptive / bestFixed);
    }
  }

  private static double rate(Row r) {
    return r == null ? Double.NaN : r.summary().itemsPerSecond();
  }

  /** A repository holding only {@code models}: configs copied (to be rewritten), model files linked. */
  static Path copyModels(Path repo, List<String> models) throws Exception {
    Path dst = Files.createTempDirectory("bench-repo");
    for (String model : models) {
      Path src = repo.resolve(model);
      try (Stream<Path> files = Files.walk(src)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Path target = dst.resolve(model).resolve(src.relativize(p).toString());
          if (Files.isDirectory(p)) Files.createDirectories(target);
          else if (p.toString().endsWith(".onnx")) Files.createSymbolicLink(target, p);
          else Files.copy(p, target);
        }
      }
    }
    return dst;
  }
}

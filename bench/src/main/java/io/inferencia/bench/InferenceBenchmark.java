package io.inferencia.bench;

import io.inferencia.bench.LatencyRecorder.Summary;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.node.CommonPoolParallelism;
import io.inferencia.node.testkit.LocalClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Raw ONNX Runtime throughput per batch size against served throughput and latency through gRPC and
 * REST (binary extension) at several client counts, for each batching setting, in one run.
 *
 * <p>Usage: InferenceBenchmark [--seconds S] [--models ocr_cls,ocr_rec] [--clients 1,16,64]
 *     [--variants off,fixed-4,fixed-32,adaptive] [--warmup seconds per node]
 */
public final class InferenceBenchmark {
  private static final int[] RAW_BATCHES = {1, 2, 4, 8, 16, 32};
  private static double warmupSeconds;

  record Target(String model, String input, String output, long[] itemShape) {}

  record Row(String model, String variant, String protocol, int clients, Summary summary) {}

  private static final Map<String, Target> TARGETS = Map.of(
      "ocr_cls", new Target("ocr_cls", "x", "softmax_0.tmp_0", new long[] {3, 48, 192}),
      "ocr_rec", new Target("ocr_rec", "x", "softmax_11.tmp_0", new long[] {3, 48, 320}));

  public static void main(String[] args) throws Exception {
    CommonPoolParallelism.ensure();
    Map<String, String> opts = options(args);
    double seconds = Double.parseDouble(opts.getOrDefault("seconds", "5"));
    warmupSeconds = Double.parseDouble(opts.getOrDefault("warmup", "15"));
    List<String> models = List.of(opts.getOrDefault("models", "ocr_cls,ocr_rec").split(","));
    int[] clients = Arrays.stream(opts.getOrDefault("clients", "1,16,64").split(",")).mapToInt(Integer::parseInt).toArray();
    List<BatchingVariant> variants = Arrays.stream(opts.getOrDefault("variants", "off,fixed-4,fixed-32,adaptive")
        .split(",")).map(BatchingVariant::parse).toList();
    Path root = Path.of(opts.getOrDefault("root", ".")).toAbsolutePath().normalize();
    Path repo = root.resolve("model_repository");
    Path jar = root.resolve("cluster-node/target/cluster-node.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("build the node first: " + jar + " is missing");

    ActorSystem<Void> clientSystem = ActorSystem.create(Behaviors.empty(), "bench-client", LocalClient.config());
    try {
      for (String name : models) {
        Target t = TARGETS.get(name);
        if (t == null) throw new IllegalArgumentException("unknown model " + name + "; known: " + TARGETS.keySet());
        benchModel(t, repo, jar, seconds, clients, variants, clientSystem);
      }
    } finally {
      clientSystem.terminate();
    }
  }

  private static void benchModel(Target t, Path repo, Path jar, double seconds, int[] clients,
      List<BatchingVariant> variants, ActorSystem<Void> clientSystem) throws Exception {
    System.out.printf(Locale.ROOT, "%n=== %s, item %s, %d cores ===%n", t.model(), Arrays.toString(t.itemShape()),
        Runtime.getRuntime().availableProcessors());
    Map<Integer, Double> raw = RawOrtThroughput.measure(repo.resolve(t.model()).resolve("1/model.onnx"), t.input(),
        t.itemShape(), RAW_BATCHES, Math.max(2, seconds / 2));
    double rawBest = raw.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    System.out.println("raw ONNX Runtime, items/s by batch size:");
    raw.forEach((b, v) -> System.out.printf(Locale.ROOT, "  batch %2d: %8.1f%n", b, v));

    long[] shape = new long[t.itemShape().length + 1];
    shape[0] = 1;
    System.arraycopy(t.itemShape(), 0, shape, 1, t.itemShape().length);
    byte[] input = BenchInputs.fp32(shape, 42);

    List<Row> rows = new ArrayList<>();
    for (BatchingVariant v : variants) {
      Path variantRepo = copyModel(repo, t.model());
      v.apply(variantRepo.resolve(t.model()).resolve("config.pbtxt"));
      try (NodeProcess node = NodeProcess.start(jar, variantRepo, Files.createTempDirectory("bench-data"), Map.of());
          GrpcInferClient grpc = new GrpcInferClient(clientSystem, node.grpcPort, t.model(), t.input(), shape, input)) {
        RestBinaryClient rest = new RestBinaryClient(node.httpPort, t.model(), t.input(), t.output(), shape, input);
        // A fresh JVM compiles its hot paths for tens of seconds on 2 cores: warm both protocols at full
        // load first, so the measured windows see compiled code (and, for adaptive, a settled cap).
        ClosedLoopLoad.run(clients[clients.length - 1], warmupSeconds, 0.1, 1, grpc::infer);
        ClosedLoopLoad.run(clients[clients.length - 1], warmupSeconds / 2, 0.1, 1, rest::infer);
        double warm = 2;
        for (int c : clients) {
          rows.add(new Row(t.model(), v.label(), "grpc", c, ClosedLoopLoad.run(c, warm, seconds, 1, grpc::infer)));
          print(rows.get(rows.size() - 1), rawBest);
          rows.add(new Row(t.model(), v.label(), "rest", c, ClosedLoopLoad.run(c, warm, seconds, 1, rest::infer)));
          print(rows.get(rows.size() - 1), rawBest);
        }
      }
    }
    summarize(t.model(), rows, rawBest, clients[clients.length - 1]);
  }

  private static void print(Row r, double rawBest) {
    Summary s = r.summary();
    System.out.printf(Locale.ROOT, "%-8s %-9s %-5s %3d clients: %8.1f items/s  p50 %7.2f  p95 %7.2f  p99 %7.2f ms"
            + "  served/raw-best %.2f  errors %d%n",
        r.model(), r.variant(), r.protocol(), r.clients(), s.itemsPerSecond(), s.p50(), s.p95(), s.p99(),
        s.itemsPerSecond() / rawBest, s.errors());
  }

  private static void summarize(String model, List<Row> rows, double rawBest, int maxClients) {
    System.out.printf(Locale.ROOT, "--- %s at %d clients ---%n", model, maxClients);
    for (String protocol : List.of("grpc", "rest")) {
      Map<String, Double> byVariant = new LinkedHashMap<>();
      rows.stream().filter(r -> r.protocol().equals(protocol) && r.clients() == maxClients)
          .forEach(r -> byVariant.put(r.variant(), r.summary().itemsPerSecond()));
      double off = byVariant.getOrDefault("off", Double.NaN);
      double bestFixed = byVariant.entrySet().stream().filter(e -> e.getKey().startsWith("fixed"))
          .mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
      double adaptive = byVariant.getOrDefault("adaptive", Double.NaN);
      double bestServed = byVariant.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
      System.out.printf(Locale.ROOT,
          "%-5s best served/raw-best %.2f | batching(best on)/off %.2f | adaptive/best-fixed %.2f | "
              + "raw-best %.1f items/s%n",
          protocol, bestServed / rawBest, Math.max(bestFixed, adaptive) / off, adaptive / bestFixed, rawBest);
    }
  }

  private static Path copyModel(Path repo, String model) throws Exception {
    Path dst = Files.createTempDirectory("bench-repo");
    Path src = repo.resolve(model);
    try (Stream<Path> files = Files.walk(src)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = dst.resolve(model).resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else if (p.toString().endsWith(".onnx")) Files.createSymbolicLink(target, p);
        else Files.copy(p, target);
      }
    }
    return dst;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --option value, got " + args[i]);
      out.put(args[i].substring(2), args[i + 1]);
    }
    return out;
  }

}

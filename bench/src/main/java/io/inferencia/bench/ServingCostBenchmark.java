package io.inferencia.bench;

import io.inferencia.bench.InferenceBenchmark.Target;
import io.inferencia.node.CommonPoolParallelism;
import io.inferencia.node.testkit.LocalClient;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The node's own CPU per served item, split into the threads that run ONNX Runtime and everything else
 * (HTTP/2, gRPC, JSON, actors, GC, JIT), so that a shared 2-core machine can still judge the server's
 * overhead: the load generator (h2load, C) is left out of the figures, whatever it costs. For each
 * model, protocol (gRPC ModelInfer; REST with Triton's binary tensors over HTTP/1.1; gRPC with both tensors in
 * system shared memory, as a same-host Triton client sends them) and number of
 * concurrent requests, one window: items/s, the node's core-ms per item, the inference threads' part,
 * the rest (overhead), efficiency (inference ÷ node), GC and JIT parts, and the mean batch size. Then,
 * with the node stopped, raw ONNX Runtime in this JVM at batch 1 and at the node's mean batch: the
 * inference CPU per item a server cannot go below.
 *
 * <p>Usage: ServingCostBenchmark [--seconds 10] [--models ocr_cls,ocr_rec] [--streams 1,16,64]
 *     [--protocols grpc,rest,shm] [--warmup 30] [--warmup-max 120] [--node-env K=V;K2=V2] [--jvm "-Xmx.. -XX:.."]
 *     [--root checkout]; the node runs with the README's JVM options ({@code cluster-node/jvm.options}) by default.
 */
public final class ServingCostBenchmark {
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final double SETTLE_SECONDS = 2;

  record Options(double seconds, List<String> models, int[] streams, List<String> protocols, double warmup,
      double warmupMax, Map<String, String> nodeEnv, List<String> jvm, Path root) {}

  /** One protocol's call for one model, as h2load sends it. */
  private record Call(String url, byte[] body, List<String> headers, boolean http1, long minAnswerBytes) {
    H2LoadGrpc.Result run(int streams, double seconds) throws Exception {
      return H2LoadGrpc.run(url, body, headers, http1, streams, seconds, minAnswerBytes, CORES);
    }
  }

  /** One window's figures; ms are core-milliseconds per item. */
  record Row(String model, String protocol, int streams, double itemsPerSecond, double p50, double nodeMs,
      double inferenceMs, double gcMs, double jitMs, double meanBatch, long errors) {
    double overheadMs() {
      return nodeMs - inferenceMs;
    }

    double efficiency() {
      return inferenceMs / nodeMs;
    }
  }

  /** Shared memory regions registered for the shm rows: removed at the end. */
  private static final List<GrpcShmClient> SHM = new ArrayList<>();
  private static ActorSystem<Void> clientSystem;

  private ServingCostBenchmark() {}

  /** The Pekko gRPC client's system for the checks and registrations (h2load drives the load). */
  private static synchronized ActorSystem<Void> client() {
    if (clientSystem == null) clientSystem = ActorSystem.create(Behaviors.empty(), "cost-client", LocalClient.config());
    return clientSystem;
  }

  public static void main(String[] args) throws Exception {
    CommonPoolParallelism.ensure();
    Map<String, String> a = BenchArgs.parse(args);
    Path root = Path.of(a.getOrDefault("root", ".")).toAbsolutePath().normalize();
    Options o = new Options(
        Double.parseDouble(a.getOrDefault("seconds", "10")),
        List.of(a.getOrDefault("models", "ocr_cls,ocr_rec").split(",")),
        Arrays.stream(a.getOrDefault("streams", "1,16,64").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray(),
        List.of(a.getOrDefault("protocols", "grpc,rest,shm").split(",")),
        Double.parseDouble(a.getOrDefault("warmup", "30")),
        Double.parseDouble(a.getOrDefault("warmup-max", "120")),
        BenchArgs.environment(a.getOrDefault("node-env", "")),
        BenchArgs.jvmOptions(a, root),
        root);
    for (String p : o.protocols())
      if (!p.equals("grpc") && !p.equals("rest") && !p.equals("shm"))
        throw new IllegalArgumentException("--protocols: grpc, rest or shm, got " + p);
    try {
      run(o);
    } finally {
      for (GrpcShmClient shm : SHM) shm.close();
      if (clientSystem != null) clientSystem.terminate();
    }
  }

  private static void run(Options o) throws Exception {
    Path jar = o.root().resolve("cluster-node/target/cluster-node.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("build the node first: " + jar + " is missing");
    if (!H2LoadGrpc.available())
      throw new IllegalStateException("the cost benchmark drives its load with h2load: apt-get install nghttp2-client");
    List<Target> targets = new ArrayList<>();
    for (String m : o.models()) {
      Target t = InferenceBenchmark.TARGETS.get(m.trim());
      if (t == null) throw new IllegalArgumentException("unknown model " + m + "; known: " + InferenceBenchmark.TARGETS.keySet());
      targets.add(t);
    }
    Path repo = InferenceBenchmark.copyModels(o.root().resolve("model_repository"), targets.stream().map(Target::model).toList());
    System.out.printf(Locale.ROOT, "%n=== serving cost: the node's CPU per item, %d cores, shipped batching, h2load, %.0f s windows;"
        + " load average at start %s ===%n", CORES, o.seconds(), EdgeHopBenchmark.loadAverage());
    System.out.println("  (node JVM options " + o.jvm() + ")");
    Map<String, String> env = new java.util.HashMap<>(o.nodeEnv());
    if (o.protocols().contains("shm")) env.put("EDGE_ALLOW_CLIENT_SHM", "on"); // off by default: the node opens client files
    List<Row> rows = new ArrayList<>();
    try (NodeProcess node = NodeProcess.startWithJvmOptions(jar, repo, Files.createTempDirectory("cost-node"), env, o.jvm())) {
      ThreadCpu threads = new ThreadCpu(node.handle().pid());
      for (Target t : targets) {
        Map<String, Call> calls = calls(node, t, o.protocols());
        int max = Arrays.stream(o.streams()).max().orElse(1);
        InferenceBenchmark.warmUp(t.model(), new JitActivity(node.handle().pid()), () -> {
          for (Call c : calls.values()) c.run(max, InferenceBenchmark.WARMUP_ROUND_SECONDS / calls.size());
        }, o.warmup(), o.warmupMax());
        for (var e : calls.entrySet())
          for (int streams : o.streams()) {
            Call call = e.getValue();
            call.run(streams, SETTLE_SECONDS);
            NodeOrtTime.Counters ort0 = NodeOrtTime.read(node.httpPort, t.model());
            Map<Long, Long> before = threads.snapshot();
            H2LoadGrpc.Result r = call.run(streams, o.seconds());
            Map<Long, Long> after = threads.snapshot();
            NodeOrtTime.Window ort = NodeOrtTime.read(node.httpPort, t.model()).since(ort0);
            ThreadCpu.Split split = threads.between(before, after);
            double items = Math.max(1, ort.items());
            Row row = new Row(t.model(), e.getKey(), streams, r.summary().itemsPerSecond(), r.summary().p50(),
                split.total() / items, split.of(ThreadCpu.Kind.INFERENCE) / items, split.of(ThreadCpu.Kind.GC) / items,
                split.of(ThreadCpu.Kind.JIT) / items, ort.meanBatch(), r.summary().errors());
            rows.add(row);
            print(row);
          }
      }
      table(rows);
    }
    // After the node stopped, so that nothing else runs on the cores.
    rawRows(targets, rows, repo, o);
  }

  /**
   * ONNX Runtime alone, in this JVM, one single-threaded session per core (the shipped per_core layout),
   * each model at batch 1 and at the mean batch the node ran at the most streams: the inference CPU a
   * served item cannot go below, beside the node's inference-thread CPU per item.
   */
  private static void rawRows(List<Target> targets, List<Row> rows, Path repo, Options o) throws Exception {
    int max = Arrays.stream(o.streams()).max().orElse(1);
    System.out.println("--- raw ONNX Runtime in-process, " + CORES + " single-threaded sessions, all busy ---");
    System.out.println("| model | batch | items/s | core-ms per item | node inference threads per item (mean batch at "
        + max + " streams) |");
    System.out.println("|---|---|---|---|---|");
    for (Target t : targets) {
      List<Row> atMax = rows.stream().filter(r -> r.model().equals(t.model()) && r.streams() == max).toList();
      double meanBatch = atMax.stream().mapToDouble(Row::meanBatch).average().orElse(1);
      double nodeInference = atMax.stream().mapToDouble(Row::inferenceMs).average().orElse(Double.NaN);
      int[] batches = java.util.stream.IntStream.of(1, (int) Math.max(1, Math.round(meanBatch))).distinct().toArray();
      Map<Integer, Double> raw = RawOrtThroughput.measure(repo.resolve(t.model()).resolve("1/model.onnx"), t.input(),
          t.itemShape(), batches, Math.max(3, o.seconds() / 2), new RawOrtThroughput.Layout(CORES, 1));
      for (var e : raw.entrySet())
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.3f | %s |%n", t.model(), e.getKey(), e.getValue(),
            CORES * 1000 / e.getValue(), e.getKey() == batches[batches.length - 1]
                ? String.format(Locale.ROOT, "%.3f (batch %.2f)", nodeInference, meanBatch) : "");
    }
  }

  private static Map<String, Call> calls(NodeProcess node, Target t, List<String> protocols) throws Exception {
    long[] shape = new long[t.itemShape().length + 1];
    shape[0] = 1;
    System.arraycopy(t.itemShape(), 0, shape, 1, t.itemShape().length);
    byte[] raw = BenchInputs.fp32(shape, 42);
    Map<String, Call> calls = new java.util.LinkedHashMap<>();
    if (protocols.contains("grpc") || protocols.contains("shm")) {
      ModelInferRequest request = GrpcInferClient.request(t.model(), t.input(), shape, raw);
      List<String> headers = List.of("content-type:application/grpc", "te:trailers");
      String url = "http://127.0.0.1:" + node.grpcPort + "/inference.GRPCInferenceService/ModelInfer";
      try (GrpcInferClient client = new GrpcInferClient(client(), node.grpcPort, request)) {
        ModelInferResponse answer = client.infer().toCompletableFuture().get();
        if (protocols.contains("grpc"))
          calls.put("grpc", new Call(url, H2LoadGrpc.framed(request), headers, false, answer.getSerializedSize()));
        if (protocols.contains("shm")) {
          // One output slot for every stream: the answers overwrite each other, which costs the server the same.
          GrpcShmClient shm = new GrpcShmClient(client(), node.grpcPort, t.model(), t.input(), t.output(), shape, raw,
              answer.getRawOutputContents(0).size(), 1);
          long shmAnswer = shm.infer().toCompletableFuture().get().getSerializedSize();
          SHM.add(shm);
          calls.put("shm", new Call(url, H2LoadGrpc.framed(shm.request(0)), headers, false, shmAnswer));
        }
      }
    }
    if (protocols.contains("rest")) {
      RestBinaryClient check = new RestBinaryClient(node.httpPort, t.model(), t.input(), t.output(), shape, raw);
      long answer = check.infer().toCompletableFuture().get().length;
      calls.put("rest", new Call("http://127.0.0.1:" + node.httpPort + "/v2/models/" + t.model() + "/infer", check.body(),
          List.of("content-type:application/octet-stream", "inference-header-content-length:" + check.headerLength()), true, answer));
    }
    return calls;
  }

  private static String label(String protocol) {
    return switch (protocol) {
      case "rest" -> "REST binary";
      case "shm" -> "gRPC shm";
      default -> "gRPC";
    };
  }

  private static void print(Row r) {
    System.out.printf(Locale.ROOT, "%-7s %-4s %3d streams: %8.1f items/s  p50 %8.2f ms  core-ms/item node %6.3f  inference %6.3f"
            + "  overhead %6.3f (gc %5.3f jit %5.3f)  efficiency %.2f  mean batch %5.2f  errors %d%n",
        r.model(), r.protocol(), r.streams(), r.itemsPerSecond(), r.p50(), r.nodeMs(), r.inferenceMs(), r.overheadMs(),
        r.gcMs(), r.jitMs(), r.efficiency(), r.meanBatch(), r.errors());
  }

  private static void table(List<Row> rows) {
    System.out.println("--- node CPU per item (core-ms), by model, protocol and concurrent requests ---");
    System.out.println("| model | protocol | streams | items/s | node CPU per item | inference threads per item | overhead per item "
        + "| of which GC | of which JIT | efficiency | mean batch |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (Row r : rows)
      System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f |%n",
          r.model(), label(r.protocol()), r.streams(), r.itemsPerSecond(), r.nodeMs(),
          r.inferenceMs(), r.overheadMs(), r.gcMs(), r.jitMs(), r.efficiency(), r.meanBatch());
    long errors = rows.stream().mapToLong(Row::errors).sum();
    if (errors > 0) System.out.println("  (" + errors + " errors: rows with errors count 0 items/s)");
  }
}

package io.inferencia.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferencia.bench.InferenceBenchmark.Target;
import io.inferencia.node.CommonPoolParallelism;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.protocols.grpc.ModelInferRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's resident memory under a long mixed load, and whether it comes back: the shipped model
 * repository loaded, a warm-up of the same load, then {@code --soak} seconds of gRPC (ocr_cls and
 * ocr_rec, whose answers are 1 MiB), REST JSON (ocr_cls and ocr_rec: several MB of JSON per answer)
 * and small OCR jobs at a steady rate, then {@code --idle} seconds without load. RSS is read from
 * {@code /proc/<pid>/status} every few seconds; the heap's committed size from {@code jcmd GC.heap_info};
 * with {@code -XX:NativeMemoryTracking=summary} among the JVM options, the JVM's own native categories
 * at the end.
 *
 * <p>The node runs with the README's JVM options ({@code cluster-node/jvm.options}) unless {@code --jvm} names others.
 *
 * <p>Usage: MemorySoakBenchmark [--soak 300] [--idle 60] [--warmup 40] [--jvm "-Xmx.. -XX:.."]
 *     [--node-env K=V;K2=V2] [--jobs-per-second 4] [--root checkout]
 */
public final class MemorySoakBenchmark {
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final long RSS_TARGET_MB = 768;
  private static final double COME_BACK = 0.10;
  private static final ObjectMapper JSON = new ObjectMapper();

  record Options(double soak, double idle, double warmup, double sampleEvery, List<String> jvm,
      Map<String, String> nodeEnv, double jobsPerSecond, Path root) {}

  /** One load of the mix: an h2load run of one call. */
  private record Stream(String name, String url, byte[] body, List<String> headers, boolean http1, int clients,
      long minAnswerBytes) {
    H2LoadGrpc.Result run(double seconds) throws IOException, InterruptedException {
      return H2LoadGrpc.run(url, body, headers, http1, clients, seconds, minAnswerBytes, CORES);
    }
  }

  private record Sample(double t, String phase, long rssMb) {}

  private MemorySoakBenchmark() {}

  public static void main(String[] args) throws Exception {
    CommonPoolParallelism.ensure();
    Map<String, String> a = BenchArgs.parse(args);
    Path root = Path.of(a.getOrDefault("root", ".")).toAbsolutePath().normalize();
    run(new Options(
        Double.parseDouble(a.getOrDefault("soak", "300")),
        Double.parseDouble(a.getOrDefault("idle", "60")),
        Double.parseDouble(a.getOrDefault("warmup", "40")),
        Double.parseDouble(a.getOrDefault("sample", "5")),
        BenchArgs.jvmOptions(a, root),
        BenchArgs.environment(a.getOrDefault("node-env", "")),
        Double.parseDouble(a.getOrDefault("jobs-per-second", "4")),
        root));
  }

  private static void run(Options o) throws Exception {
    Path jar = o.root().resolve("cluster-node/target/cluster-node.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("build the node first: " + jar + " is missing");
    if (!H2LoadGrpc.available())
      throw new IllegalStateException("the memory soak drives its load with h2load: apt-get install nghttp2-client");
    Path repo = o.root().resolve("model_repository");
    System.out.printf(Locale.ROOT, "%n=== memory soak: node RSS under %.0f s of mixed load and %.0f s after; JVM options %s;"
        + " node env %s; %d cores ===%n", o.soak(), o.idle(), o.jvm(), o.nodeEnv(), CORES);
    try (NodeProcess node = NodeProcess.startWithJvmOptions(jar, repo, Files.createTempDirectory("soak-node"), o.nodeEnv(), o.jvm())) {
      long pid = node.handle().pid();
      List<Stream> mix = mix(node);
      JobApi api = new JobApi("http://127.0.0.1:" + node.httpPort, null);
      String page = api.upload("soak.png", "image/png", Samples.renderPng(List.of("memory soak 0123456789"), 600, 36));
      long started = System.nanoTime();
      List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
      String[] phase = {"ready"};
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> {
        long rss = rssMb(pid);
        if (rss >= 0) samples.add(new Sample((System.nanoTime() - started) / 1e9, phase[0], rss));
      }, 0, Math.round(o.sampleEvery() * 1000), TimeUnit.MILLISECONDS);
      try {
        report("ready (models loaded)", pid);
        phase[0] = "warm-up";
        load(mix, api, page, o.warmup(), o.jobsPerSecond());
        phase[0] = "settle";
        after(sampler, 10);
        long afterWarmup = report("after warm-up and 10 s idle", pid);
        phase[0] = "load";
        Totals totals = load(mix, api, page, o.soak(), o.jobsPerSecond());
        long endOfLoad = report("end of load", pid);
        phase[0] = "idle";
        after(sampler, o.idle());
        long idle = report(String.format(Locale.ROOT, "%.0f s after the load", o.idle()), pid);
        sampler.shutdownNow();
        timeline(samples);
        long peak = samples.stream().filter(s -> s.phase().equals("load")).mapToLong(Sample::rssMb).max().orElse(endOfLoad);
        System.out.printf(Locale.ROOT, "served in the soak: %s; jobs %d submitted, %d SUCCEEDED, %d other%n",
            totals.streams(), totals.submitted(), totals.succeeded(), totals.submitted() - totals.succeeded());
        System.out.printf(Locale.ROOT, "RSS: after warm-up %d MB, peak under load %d MB, end of load %d MB, %.0f s later %d MB"
                + " (%+.1f%% of after warm-up)%n",
            afterWarmup, peak, endOfLoad, o.idle(), idle, 100.0 * (idle - afterWarmup) / afterWarmup);
        System.out.printf(Locale.ROOT, "  target: RSS <= %d MB under load: %s; back within %.0f%% of after warm-up: %s%n",
            RSS_TARGET_MB, peak <= RSS_TARGET_MB ? "met" : "missed", COME_BACK * 100,
            idle <= afterWarmup * (1 + COME_BACK) ? "met" : "missed");
        nativeMemory(pid);
      } finally {
        sampler.shutdownNow();
      }
    }
  }

  /** Waits {@code seconds} on the sampler's timer (the load is off meanwhile; only RSS samples run). */
  private static void after(ScheduledExecutorService timer, double seconds) throws Exception {
    timer.schedule(() -> null, Math.round(seconds * 1000), TimeUnit.MILLISECONDS).get();
  }

  /** What the mix served: per stream "name n (errors e)", and the jobs. */
  private record Totals(String streams, long submitted, long succeeded) {}

  /**
   * Runs every stream of the mix and a steady rate of small OCR jobs for {@code seconds}, then waits
   * for the submitted jobs to finish.
   */
  private static Totals load(List<Stream> mix, JobApi api, String page, double seconds, double jobsPerSecond)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(mix.size());
    List<Future<H2LoadGrpc.Result>> runs = new ArrayList<>();
    for (Stream s : mix) runs.add(pool.submit(() -> s.run(seconds)));
    List<String> jobs = Collections.synchronizedList(new ArrayList<>());
    AtomicLong refused = new AtomicLong();
    ScheduledExecutorService submitter = Executors.newSingleThreadScheduledExecutor();
    submitter.scheduleAtFixedRate(() -> {
      JobApi.Response r = api.submit("ocr", page, null, null);
      if (r.status() == 202) jobs.add(r.json().get("jobId").asText());
      else refused.incrementAndGet();
    }, 0, Math.max(1, Math.round(1000 / jobsPerSecond)), TimeUnit.MILLISECONDS);
    StringBuilder served = new StringBuilder();
    try {
      for (int i = 0; i < mix.size(); i++) {
        LatencyRecorder.Summary r = runs.get(i).get().summary();
        served.append(served.isEmpty() ? "" : ", ").append(mix.get(i).name()).append(' ').append(r.requests())
            .append(r.errors() > 0 ? " (errors " + r.errors() + ")" : "");
      }
    } finally {
      submitter.shutdownNow();
      submitter.awaitTermination(30, TimeUnit.SECONDS);
      pool.shutdownNow();
    }
    long succeeded = 0;
    for (String id : List.copyOf(jobs))
      if (api.awaitFinished(id, Duration.ofMinutes(5)).get("status").asText().equals("SUCCEEDED")) succeeded++;
    return new Totals(served.toString(), jobs.size() + refused.get(), succeeded);
  }

  /** gRPC and REST JSON calls of ocr_cls and ocr_rec, each checked once before the load. */
  private static List<Stream> mix(NodeProcess node) throws Exception {
    List<Stream> mix = new ArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    for (var e : Map.of("ocr_cls", new int[] {8, 4}, "ocr_rec", new int[] {4, 2}).entrySet()) {
      Target t = InferenceBenchmark.TARGETS.get(e.getKey());
      long[] shape = new long[t.itemShape().length + 1];
      shape[0] = 1;
      System.arraycopy(t.itemShape(), 0, shape, 1, t.itemShape().length);
      byte[] raw = BenchInputs.fp32(shape, 7);
      ModelInferRequest grpc = GrpcInferClient.request(t.model(), t.input(), shape, raw);
      long outputBytes = t.model().equals("ocr_cls") ? 8 : 1_000_000;
      mix.add(new Stream(t.model() + " gRPC", "http://127.0.0.1:" + node.grpcPort + "/inference.GRPCInferenceService/ModelInfer",
          H2LoadGrpc.framed(grpc), List.of("content-type:application/grpc", "te:trailers"), false, e.getValue()[0], outputBytes));
      byte[] json = jsonRequest(t, shape, raw);
      String url = "http://127.0.0.1:" + node.httpPort + "/v2/models/" + t.model() + "/infer";
      HttpResponse<byte[]> check = http.send(HttpRequest.newBuilder(URI.create(url))
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (check.statusCode() != 200) throw new IllegalStateException(url + " answered " + check.statusCode());
      mix.add(new Stream(t.model() + " REST JSON", url, json, List.of("content-type:application/json"), true,
          e.getValue()[1], check.body().length / 2));
    }
    mix.sort(java.util.Comparator.comparing(Stream::name));
    return mix;
  }

  private static byte[] jsonRequest(Target t, long[] shape, byte[] raw) throws IOException {
    ObjectNode input = JSON.createObjectNode().put("name", t.input()).put("datatype", "FP32");
    ArrayNode dims = input.putArray("shape");
    for (long d : shape) dims.add(d);
    ArrayNode data = input.putArray("data");
    ByteBuffer floats = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    while (floats.remaining() >= 4) data.add(floats.getFloat());
    ObjectNode request = JSON.createObjectNode();
    request.putArray("inputs").add(input);
    return JSON.writeValueAsBytes(request);
  }

  /** Prints RSS and the heap's committed and used sizes now; returns RSS in MB. */
  private static long report(String when, long pid) {
    long rss = rssMb(pid);
    System.out.printf(Locale.ROOT, "%-32s RSS %5d MB  %s%n", when, rss, heapInfo(pid));
    return rss;
  }

  static long rssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
    } catch (IOException gone) {
      return -1;
    }
    return -1;
  }

  /**
   * "heap committed X MB, used Y MB" from jcmd's GC.heap_info: G1 prints one line for the heap, the
   * serial collector one per generation ("def new generation", "tenured generation"), summed here.
   */
  private static String heapInfo(long pid) {
    String out = jcmd(pid, "GC.heap_info");
    var m = java.util.regex.Pattern.compile("(?m)^\\s*(garbage-first heap|def new generation|tenured generation)\\s+"
        + "total (\\d+)K, used (\\d+)K").matcher(out);
    long total = 0, used = 0;
    boolean found = false;
    while (m.find()) {
      found = true;
      total += Long.parseLong(m.group(2));
      used += Long.parseLong(m.group(3));
    }
    return found ? String.format(Locale.ROOT, "heap committed %d MB, used %d MB", total / 1024, used / 1024) : "(heap unknown)";
  }

  /** The JVM's native memory by category, when the node runs with native memory tracking. */
  private static void nativeMemory(long pid) {
    String out = jcmd(pid, "VM.native_memory", "summary", "scale=MB");
    if (!out.contains("Total:")) return;
    System.out.println("--- JVM native memory tracking (committed MB; ONNX Runtime's own allocations are outside it) ---");
    for (String line : out.split("\n"))
      if (line.startsWith("Total:") || line.trim().startsWith("-") && line.contains("committed="))
        System.out.println("  " + line.trim());
  }

  private static String jcmd(long pid, String... command) {
    try {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(pid)));
      cmd.addAll(List.of(command));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** RSS over time, one line per sample, compact. */
  private static void timeline(List<Sample> samples) {
    System.out.println("--- RSS over time (s: MB) ---");
    StringBuilder line = new StringBuilder();
    String phase = "";
    for (Sample s : List.copyOf(samples)) {
      if (!s.phase().equals(phase)) {
        if (!line.isEmpty()) System.out.println(line);
        line.setLength(0);
        phase = s.phase();
        line.append(String.format(Locale.ROOT, "  %-8s", phase));
      }
      line.append(String.format(Locale.ROOT, " %.0f:%d", s.t(), s.rssMb()));
    }
    if (!line.isEmpty()) System.out.println(line);
  }
}

package io.inferencia.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.PrometheusText;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.testkit.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Placement on the packaged node (issue 15, section 5), with real processes and the real ocr_cls model.
 *
 * <p>Scale from zero: a version with {@code min_replicas: 0} is not loaded at start, loads on its first
 * request, which waits for it and succeeds, and serves the next one warm.
 *
 * <p>Density: 40 copies of ocr_cls on a node whose memory budget holds 8 of them, under a Zipf(1.1)
 * request mix from 64 clients: the budget holds at every sample, no request fails, idle replicas are
 * evicted to make room; then the same mix on a node with all 40 loaded, for the throughput ratio. The
 * run lasts {@code -Ddensity.seconds} (default 20, short for CI; the figure is 60).
 */
class PlacementIT {
  private static final long[] CLS_SHAPE = {1, 3, 48, 192};
  private static final String OUTPUT = "softmax_0.tmp_0";
  private static final int MODELS = 40;
  private static final int CLIENTS = 64;
  private static final double ZIPF_S = 1.1;
  private static final long MODEL_BYTES = 16L << 20;
  private static final long BUDGET_BYTES = 128L << 20;
  private static final Duration DENSITY = Duration.ofSeconds(Integer.getInteger("density.seconds", 20));
  private static final Duration NODES_POLL = Duration.ofMillis(200);
  private static final String HELD = "inferencia_replica_held_requests_total";
  private static final String EVICTIONS = "inferencia_replica_evictions_total";
  private static final String LOAD_TIME = "inferencia_replica_load_duration_seconds";
  private static final String SUCCESSES = "nv_inference_request_success";

  private static Path jar;
  private static Path shippedOnnx;
  private static String shippedConfig;
  /** One ocr_cls input, 1x3x48x192 FP32, as Triton's binary tensor extension carries it. */
  private static byte[] inferBody;
  private static int inferHeaderLength;

  /** No silent skip: without the packaged node or the shipped model this test fails here, saying what is missing. */
  @BeforeAll
  static void packagedNodeAndModel() throws Exception {
    jar = existingFile(Path.of(property("node.jar")), "the packaged node (mvn package builds cluster-node/target/cluster-node.jar)");
    Path repo = Path.of(property("model.repository"));
    shippedOnnx = existingFile(repo.resolve("ocr_cls/1/model.onnx"), "ocr_cls's model (scripts/fetch-models.sh fetches it)");
    shippedConfig = Files.readString(existingFile(repo.resolve("ocr_cls/config.pbtxt"), "ocr_cls's config"));
    existingFile(repo.resolve("ocr_cls/labels.txt"), "ocr_cls's labels");
    assertTrue(TestModels.repository().equals(repo.toAbsolutePath().normalize()), "TestModels links from " + repo);
    float[] values = Samples.clsInput(1, 15);
    ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) raw.putFloat(v);
    InferBody body = InferBody.builder().binaryInput("x", "FP32", CLS_SHAPE, raw.array()).build();
    inferBody = body.bytes();
    inferHeaderLength = body.headerLength().orElseThrow();
  }

  @Test
  void aVersionWithNoReplicasLoadsOnItsFirstRequest() throws Exception {
    Path repo = Files.createTempDirectory("placement-lazy-repo");
    TestModels.addModel(repo, "cls_lazy", config("cls_lazy", Map.of("min_replicas", "0")), "ocr_cls");
    try (NodeProcess node = NodeProcess.start(jar, repo, Files.createTempDirectory("placement-lazy"), Map.of())) {
      RestClient rest = new RestClient("127.0.0.1", node.httpPort);
      JsonNode before = replica(rest, "cls_lazy");
      assertEquals("UNAVAILABLE", before.get("state").asText(), before.toString());
      assertTrue(before.get("reason").asText().contains("loads on its next request"), before.toString());
      assertNotEquals(200, rest.get("/v2/models/cls_lazy/ready").status(), "not ready before its first request");

      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      long start = System.nanoTime();
      HttpResponse<byte[]> first = infer(http, node.httpPort, "cls_lazy");
      long firstNanos = System.nanoTime() - start;
      assertEquals(200, first.statusCode(), new String(first.body(), StandardCharsets.UTF_8));
      JsonNode out = RestClient.JSON.readTree(first.body()).get("outputs").get(0);
      assertEquals(OUTPUT, out.get("name").asText());
      assertEquals("[1,2]", out.get("shape").toString());
      assertEquals(2, out.get("data").size());

      start = System.nanoTime();
      HttpResponse<byte[]> second = infer(http, node.httpPort, "cls_lazy");
      long warmNanos = System.nanoTime() - start;
      assertEquals(200, second.statusCode(), new String(second.body(), StandardCharsets.UTF_8));
      assertTrue(warmNanos < firstNanos, "the warm request (" + warmNanos / 1_000_000 + " ms) is faster than the one"
          + " that waited for the load (" + firstNanos / 1_000_000 + " ms)");
      assertEquals(200, rest.get("/v2/models/cls_lazy/ready").status(), "ready once loaded");

      // /metrics is rebuilt once a second: wait for the tick that saw the load.
      PrometheusText[] metrics = new PrometheusText[1];
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
        metrics[0] = scrape(rest);
        return metrics[0].value(LOAD_TIME + "_count", Map.of()) >= 1;
      });
      double loadSeconds = metrics[0].value(LOAD_TIME + "_sum", Map.of()) / metrics[0].value(LOAD_TIME + "_count", Map.of());
      System.out.printf("PlacementIT scale from zero: first request %.1f ms (it waited for the load), warm request"
              + " %.1f ms; load %.1f ms (%s, sum/count)%n",
          firstNanos / 1e6, warmNanos / 1e6, loadSeconds * 1e3, LOAD_TIME);
      assertEquals(1, metrics[0].value(LOAD_TIME + "_count", Map.of()), "one load");
      assertEquals(1, metrics[0].value(HELD, Map.of("model", "cls_lazy")), "only the first request waited for a load");

      // The footprint is measured (resident memory across the load) once the load is done.
      JsonNode[] after = new JsonNode[1];
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
        after[0] = replica(rest, "cls_lazy");
        return after[0].get("footprint_measured").asBoolean();
      });
      assertEquals("READY", after[0].get("state").asText(), after[0].toString());
      assertTrue(after[0].get("footprint_bytes").asLong() >= Files.size(shippedOnnx),
          "footprint at least the ONNX file (" + Files.size(shippedOnnx) + " bytes): " + after[0]);
    }
  }

  @Test
  void fortyModelsShareABudgetOfEightUnderAZipfMix() throws Exception {
    Path lazy = Files.createTempDirectory("placement-density-repo");
    Path pinned = Files.createTempDirectory("placement-pinned-repo");
    for (int i = 0; i < MODELS; i++) {
      TestModels.addModel(lazy, name(i), config(name(i), Map.of("min_replicas", "0", "memory_bytes", "16MiB",
          "idle_after", "0s")), "ocr_cls");
      TestModels.addModel(pinned, name(i), config(name(i), Map.of("min_replicas", "1")), "ocr_cls");
    }

    // The nodes run one after the other: the machine may have two cores.
    Run density;
    try (NodeProcess node = NodeProcess.start(jar, lazy, Files.createTempDirectory("placement-density"),
        Map.of("INFERENCE_MEMORY_BUDGET", "128MiB"))) {
      density = drive(node);
    }
    Run allLoaded;
    try (NodeProcess node = NodeProcess.launch(jar, pinned, Files.createTempDirectory("placement-pinned"),
        Map.of("INFERENCE_MEMORY_BUDGET", "0"))) {
      // Ready once all 40 loaded, one at a time: allow for a busy machine.
      node.awaitReady(Duration.ofSeconds(240));
      RestClient rest = new RestClient("127.0.0.1", node.httpPort);
      JsonNode replicas = rest.get("/v1/admin/placement").json().get("replicas");
      assertEquals(MODELS, replicas.size(), replicas.toString());
      for (JsonNode r : replicas) assertEquals("READY", r.get("state").asText(), "every copy loaded at start: " + r);
      allLoaded = drive(node);
    }

    double held = density.delta(HELD);
    double evictions = density.delta(EVICTIONS);
    double loads = density.delta(LOAD_TIME + "_count");
    System.out.printf("PlacementIT density: %d models of 16MiB in a budget of 128MiB (8 fit), Zipf(s=%.1f), %d clients,"
            + " %d s: %d requests, %.1f req/s, hit rate %.3f (1 - %.0f held / %d), %.0f loads, %.0f evictions,"
            + " load latency mean %.0f ms, p50 <= %s s, p99 <= %s s (upper bounds of the histogram's buckets), client latency"
            + " p50 %.1f ms, p99 %.1f ms; /v1/admin/nodes: used > budget at %d of %d samples, max used %d bytes,"
            + " up to %d loads queued%n",
        MODELS, ZIPF_S, CLIENTS, DENSITY.toSeconds(), density.requests(), density.throughput(),
        1 - held / density.requests(), held, density.requests(), loads, evictions,
        density.delta(LOAD_TIME + "_sum") / loads * 1e3, density.loadQuantile(0.5), density.loadQuantile(0.99),
        density.clientMillis(0.5), density.clientMillis(0.99),
        density.overBudget().size(), density.samples(), density.maxUsed(), density.maxPendingLoads());
    System.out.printf("PlacementIT all loaded: %d models pinned, no budget, same mix, %d s: %d requests, %.1f req/s,"
            + " client latency p50 %.1f ms, p99 %.1f ms; density / all loaded throughput = %.2f%n",
        MODELS, DENSITY.toSeconds(), allLoaded.requests(), allLoaded.throughput(), allLoaded.clientMillis(0.5),
        allLoaded.clientMillis(0.99), density.throughput() / allLoaded.throughput());

    assertTrue(density.overBudget().isEmpty(), "used_bytes above budget_bytes: " + density.overBudget());
    assertTrue(density.samples() > 0, "/v1/admin/nodes was sampled");
    assertEquals(0, density.failures(), density.failures() + " requests failed, e.g. " + density.firstFailure());
    assertEquals(0, allLoaded.failures(), allLoaded.failures() + " requests failed, e.g. " + allLoaded.firstFailure());
    assertTrue(evictions > 0, "idle replicas were evicted to make room");
    assertTrue(held > 0 && held < density.requests(), held + " of " + density.requests() + " requests waited for a load");
  }

  /** What one node did under the mix, with the metrics before and after it. */
  private record Run(long requests, long failures, String firstFailure, double seconds, long[] latencyNanos,
      PrometheusText before, PrometheusText after, int samples, long maxUsed, long maxPendingLoads,
      List<String> overBudget) {
    double throughput() {
      return requests / seconds;
    }

    double delta(String metric) {
      return after.value(metric, Map.of()) - before.value(metric, Map.of());
    }

    double clientMillis(double q) {
      return latencyNanos.length == 0 ? Double.NaN : latencyNanos[(int) Math.ceil(q * latencyNanos.length) - 1] / 1e6;
    }

    /** The upper bound of the load-time bucket the quantile falls in (the histogram knows no more). */
    String loadQuantile(double q) {
      TreeMap<Double, Double> cumulative = new TreeMap<>();
      for (PrometheusText.Sample s : after.samples())
        if (s.name().equals(LOAD_TIME + "_bucket"))
          cumulative.merge(bound(s.labels().get("le")), s.value(), Double::sum);
      for (PrometheusText.Sample s : before.samples())
        if (s.name().equals(LOAD_TIME + "_bucket"))
          cumulative.merge(bound(s.labels().get("le")), -s.value(), Double::sum);
      double total = delta(LOAD_TIME + "_count");
      if (total <= 0) return "n/a";
      for (Map.Entry<Double, Double> b : cumulative.entrySet())
        if (b.getValue() >= q * total) return b.getKey().isInfinite() ? "+Inf" : Double.toString(b.getKey());
      return "+Inf";
    }

    private static double bound(String le) {
      return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }
  }

  /**
   * Runs the Zipf mix from {@link #CLIENTS} clients for {@link #DENSITY} while sampling {@code
   * /v1/admin/nodes} every {@link #NODES_POLL}; returns what the clients saw and the node's metrics
   * before and after (the scrape after holds every request the clients saw answered).
   */
  private static Run drive(NodeProcess node) throws Exception {
    RestClient rest = new RestClient("127.0.0.1", node.httpPort);
    PrometheusText before = scrape(rest);
    double[] cdf = zipf(MODELS, ZIPF_S);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    AtomicLong failures = new AtomicLong();
    ConcurrentLinkedQueue<String> failureSamples = new ConcurrentLinkedQueue<>();
    List<long[]> latencies = new ArrayList<>();

    NodesSampler sampler = new NodesSampler(rest);
    ScheduledExecutorService sampling = Executors.newSingleThreadScheduledExecutor();
    sampling.scheduleAtFixedRate(sampler::sample, 0, NODES_POLL.toMillis(), TimeUnit.MILLISECONDS);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    long start = System.nanoTime();
    long end = start + DENSITY.toNanos();
    List<Future<long[]>> running = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      SplittableRandom random = new SplittableRandom(1000 + c);
      running.add(clients.submit(() -> {
        long[] mine = new long[1024];
        int n = 0;
        while (System.nanoTime() < end) {
          String model = name(pick(cdf, random.nextDouble()));
          long t0 = System.nanoTime();
          try {
            HttpResponse<byte[]> r = infer(http, node.httpPort, model);
            if (r.statusCode() != 200) {
              failures.incrementAndGet();
              if (failureSamples.size() < 5)
                failureSamples.add(model + ": " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
              continue;
            }
          } catch (Exception e) {
            failures.incrementAndGet();
            if (failureSamples.size() < 5) failureSamples.add(model + ": " + e);
            continue;
          }
          if (n == mine.length) mine = Arrays.copyOf(mine, n * 2);
          mine[n++] = System.nanoTime() - t0;
        }
        return Arrays.copyOf(mine, n);
      }));
    }
    for (Future<long[]> f : running) latencies.add(f.get(DENSITY.toSeconds() + 120, TimeUnit.SECONDS));
    double seconds = (System.nanoTime() - start) / 1e9;
    clients.shutdown();
    sampling.shutdown();
    assertTrue(sampling.awaitTermination(10, TimeUnit.SECONDS), "the sampler stopped");

    long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    // /metrics is rebuilt once a second: wait for a tick that counted every answered request, then one more
    // (a tick reads instruments one after another; the next one has everything recorded before it began).
    double answered = before.value(SUCCESSES, Map.of()) + all.length;
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
        .until(() -> scrape(rest).value(SUCCESSES, Map.of()) >= answered);
    Thread.sleep(1200);
    PrometheusText after = scrape(rest);
    assertTrue(sampler.errors.isEmpty(), "/v1/admin/nodes failed while sampled: " + sampler.errors.peek());
    return new Run(all.length, failures.get(), failureSamples.peek(), seconds, all, before, after,
        (int) sampler.samples.get(), sampler.maxUsed.get(), sampler.maxPending.get(), List.copyOf(sampler.overBudget));
  }

  /** Polls {@code /v1/admin/nodes}, noting every device that used more than its budget (0: no limit). */
  private static final class NodesSampler {
    final RestClient rest;
    final AtomicLong samples = new AtomicLong();
    final AtomicLong maxUsed = new AtomicLong();
    final AtomicLong maxPending = new AtomicLong();
    final ConcurrentLinkedQueue<String> overBudget = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

    NodesSampler(RestClient rest) {
      this.rest = rest;
    }

    void sample() {
      try {
        RestClient.Response r = rest.get("/v1/admin/nodes");
        if (r.status() != 200) {
          errors.add(r.status() + " " + new String(r.body(), StandardCharsets.UTF_8));
          return;
        }
        for (JsonNode n : r.json().get("nodes")) {
          maxPending.accumulateAndGet(n.get("pending_loads").asLong(), Math::max);
          for (JsonNode d : n.get("devices")) {
            long budget = d.get("budget_bytes").asLong();
            long used = d.get("used_bytes").asLong();
            maxUsed.accumulateAndGet(used, Math::max);
            if (budget > 0 && used > budget) overBudget.add(d.toString());
          }
        }
        samples.incrementAndGet();
      } catch (RuntimeException e) {
        errors.add(e.toString());
      }
    }
  }

  private static HttpResponse<byte[]> infer(HttpClient http, int port, String model) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/" + model + "/infer"))
        .timeout(Duration.ofSeconds(90))
        .header("Content-Type", "application/octet-stream")
        .header("Inference-Header-Content-Length", Integer.toString(inferHeaderLength))
        .POST(HttpRequest.BodyPublishers.ofByteArray(inferBody)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The cumulative distribution of Zipf(s) over ranks 1..n (index 0 is rank 1). */
  private static double[] zipf(int n, double s) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 1; k <= n; k++) cdf[k - 1] = sum += Math.pow(k, -s);
    for (int i = 0; i < n; i++) cdf[i] /= sum;
    return cdf;
  }

  private static int pick(double[] cdf, double u) {
    int i = Arrays.binarySearch(cdf, u);
    return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
  }

  private static String name(int i) {
    return String.format("cls_%02d", i);
  }

  /** ocr_cls's shipped config under another name, with the given string parameters added. */
  private static String config(String name, Map<String, String> parameters) {
    String renamed = shippedConfig.replace("name: \"ocr_cls\"", "name: \"" + name + "\"");
    assertNotEquals(shippedConfig, renamed, "the shipped config names ocr_cls");
    StringBuilder c = new StringBuilder(renamed);
    parameters.forEach((k, v) ->
        c.append("parameters { key: \"").append(k).append("\" value: { string_value: \"").append(v).append("\" } }\n"));
    return c.toString();
  }

  private static JsonNode replica(RestClient rest, String model) {
    RestClient.Response r = rest.get("/v1/admin/placement?model=" + model);
    assertEquals(200, r.status(), new String(r.body(), StandardCharsets.UTF_8));
    JsonNode replicas = r.json().get("replicas");
    assertEquals(1, replicas.size(), replicas.toString());
    return replicas.get(0);
  }

  private static PrometheusText scrape(RestClient rest) {
    RestClient.Response r = rest.get("/metrics");
    assertEquals(200, r.status());
    return PrometheusText.parse(new String(r.body(), StandardCharsets.UTF_8));
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank())
      fail("system property " + name + " is not set: run this test through failsafe (mvn verify in cluster-node)");
    return value;
  }

  private static Path existingFile(Path file, String what) throws java.io.IOException {
    if (!Files.isRegularFile(file) || Files.size(file) == 0) fail(what + " is missing or empty: " + file);
    return file;
  }
}

package io.inferencia.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.testkit.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The job flow on one node, both measured in one run against the packaged node: (1) jobs submitted and
 * persisted per second, with workers off so that nothing but submission runs, on the embedded H2
 * database and on PostgreSQL ({@code --databases}; PostgreSQL as the test suite finds it, {@code
 * TEST_PG_URL}/{@code TEST_PG_USER}, a fresh database dropped at the end); (2) end-to-end overhead of a
 * job on a small input beyond its inference (H2), printed beside the synchronous inference time of the
 * same input through the KServe endpoint.
 *
 * <p>Usage: JobsBenchmark [--seconds 10] [--clients 32] [--jobs 200] [--phases submit,overhead] [--submit-warmup 60]
 *     [--databases h2,postgres] [--node-env K=V;K2=V2] [--root checkout]
 */
public final class JobsBenchmark {
  private JobsBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchArgs.parse(args);
    double seconds = Double.parseDouble(o.getOrDefault("seconds", "10"));
    int clients = Integer.parseInt(o.getOrDefault("clients", "32"));
    int jobs = Integer.parseInt(o.getOrDefault("jobs", "200"));
    Path root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath().normalize();
    Path jar = root.resolve("cluster-node/target/cluster-node.jar");
    Path repo = root.resolve("model_repository");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("build the node first: " + jar + " is missing");
    List<String> phases = List.of(o.getOrDefault("phases", "submit,overhead").split(","));
    nodeEnv = BenchArgs.environment(o.getOrDefault("node-env", ""));
    byte[] png = Samples.renderPng("Hi 42");
    System.out.printf(Locale.ROOT, "%n=== jobs on one node, %d cores, input %d-byte PNG ===%n",
        Runtime.getRuntime().availableProcessors(), png.length);
    double warmup = Double.parseDouble(o.getOrDefault("submit-warmup", "60"));
    if (phases.contains("submit")) {
      for (String database : o.getOrDefault("databases", "h2,postgres").split(",")) {
        if (database.equals("h2")) {
          submissions(jar, repo, png, seconds, clients, warmup, "H2", Map.of());
        } else if (database.equals("postgres")) {
          DatabaseSettings db = TestDatabases.freshPostgres();
          try {
            submissions(jar, repo, png, seconds, clients, warmup, "PostgreSQL", Map.of("DB_URL", db.url(), "DB_USER", db.user()));
          } finally {
            TestDatabases.dropPostgres(db);
          }
        } else {
          throw new IllegalArgumentException("--databases takes h2 and postgres, not " + database);
        }
      }
    }
    if (phases.contains("overhead")) overhead(jar, repo, png, jobs);
  }

  private static Map<String, String> nodeEnv = Map.of();

  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> all = new java.util.HashMap<>(nodeEnv);
    all.putAll(extra);
    return all;
  }

  /** Closed-loop submitters against a node whose workers are off: accept, validate, persist, nothing else. */
  private static void submissions(Path jar, Path repo, byte[] png, double seconds, int clients, double warmup,
      String database, Map<String, String> databaseEnv) throws Exception {
    Map<String, String> extra = new java.util.HashMap<>(databaseEnv);
    extra.put("JOB_WORKER_ENABLED", "off");
    System.out.printf(Locale.ROOT, "--- submissions, journal and read side on %s ---%n", database);
    try (NodeProcess node = NodeProcess.start(jar, repo, Files.createTempDirectory("bench-jobs"), env(extra))) {
      JobApi api = new JobApi("http://127.0.0.1:" + node.httpPort, null);
      String input = api.upload("bench.png", "image/png", png);
      // On 2 cores the JIT keeps compiling the submit path for over a minute (C2 still took 0.4 cores
      // after 80 s of load): warm until that settles, with wrk where it is installed (it costs less).
      String body = "{\"task\":\"ocr\",\"input\":\"" + input + "\"}";
      String url = "http://127.0.0.1:" + node.httpPort + "/v1/jobs";
      if (WrkLoad.available()) warmupCount.addAndGet(WrkLoad.post(url, body, clients, warmup).requests());
      else runSubmitters(api, input, clients, warmup);
      LatencyRecorder latencies = new LatencyRecorder();
      AtomicLong accepted = new AtomicLong();
      CpuMeter meter = new CpuMeter(node.handle());
      CpuMeter.Snapshot before = meter.snapshot();
      long start = System.nanoTime();
      runSubmitters(api, input, clients, seconds, latencies, accepted);
      double elapsed = (System.nanoTime() - start) / 1e9;
      CpuMeter.Usage cpu = meter.snapshot().since(before, Runtime.getRuntime().availableProcessors());
      LatencyRecorder.Summary s = latencies.summarize(elapsed, 1);
      System.out.printf(Locale.ROOT, "submit: %d clients, %.1f s: %.0f jobs/s accepted and persisted  p50 %.2f  p95 %.2f  p99 %.2f ms"
              + "  cpu node %.0f%% client %.0f%%  errors %d%n",
          clients, elapsed, accepted.get() / elapsed, s.p50(), s.p95(), s.p99(), cpu.node() * 100, cpu.client() * 100, s.errors());
      long total = accepted.get() + warmupCount.get();
      System.out.printf(Locale.ROOT, "        node CPU per accepted job (Java client): %.3f core-ms%n",
          cpu.node() * Runtime.getRuntime().availableProcessors() * elapsed * 1000 / Math.max(1, accepted.get()));
      if (WrkLoad.available()) {
        long nodeCpu0 = node.handle().info().totalCpuDuration().orElseThrow().toNanos();
        WrkLoad.Result w = WrkLoad.post(url, body, clients, seconds);
        double perJob = (node.handle().info().totalCpuDuration().orElseThrow().toNanos() - nodeCpu0) / 1e6
            / Math.max(1, w.requests() - w.non2xx());
        System.out.printf(Locale.ROOT, "submit: wrk (C client), %d connections, %.1f s: %.0f jobs/s accepted and persisted"
                + "  p50 %.2f  p90 %.2f  p99 %.2f ms  non-202 %d%n",
            clients, w.seconds(), (w.requests() - w.non2xx()) / w.seconds(), w.p50(), w.p90(), w.p99(), w.non2xx());
        System.out.printf(Locale.ROOT, "  target: >= 1000 jobs/s accepted and persisted: %s%n",
            (w.requests() - w.non2xx()) / w.seconds() >= 1000 ? "met" : "missed");
        System.out.printf(Locale.ROOT, "  node CPU per accepted job (wrk): %.3f core-ms (%.0f jobs/s of capacity on %d cores)%s%n",
            perJob, Runtime.getRuntime().availableProcessors() * 1000 / perJob, Runtime.getRuntime().availableProcessors(),
            database.equals("H2") ? "; target <= 0.5 core-ms on H2: " + (perJob <= 0.5 ? "met" : "missed") : "");
        total += w.requests() - w.non2xx();
      } else {
        System.out.println("submit: wrk is not installed (apt-get install wrk); only the Java client was measured");
      }
      // Accepted means persisted: every accepted job is on the read side, which is built from the journal.
      long listed = awaitListed(api, total);
      System.out.printf(Locale.ROOT, "        read side lists %d of %d accepted jobs (QUEUED)%n", listed, total);
    }
  }

  private static final AtomicLong warmupCount = new AtomicLong();

  private static void runSubmitters(JobApi api, String input, int clients, double seconds) throws InterruptedException {
    runSubmitters(api, input, clients, seconds, new LatencyRecorder(), warmupCount);
  }

  private static void runSubmitters(JobApi api, String input, int clients, double seconds, LatencyRecorder latencies,
      AtomicLong accepted) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < deadline) {
          long t0 = System.nanoTime();
          JobApi.Response r = api.submit("ocr", input, null, null);
          if (r.status() == 202) {
            latencies.record(System.nanoTime() - t0);
            accepted.incrementAndGet();
          } else latencies.error();
        }
      }, "submitter-" + c);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
  }

  /**
   * Polls the read side every 500 ms, at most 60 times, until it lists {@code expected} queued jobs;
   * the last count otherwise. The polls run on a timer thread; this thread waits for the outcome.
   */
  private static long awaitListed(JobApi api, long expected) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      CompletableFuture<Long> outcome = new CompletableFuture<>();
      AtomicInteger polls = new AtomicInteger();
      timer.scheduleWithFixedDelay(() -> {
        try {
          long listed = countQueued(api);
          if (listed >= expected || polls.incrementAndGet() >= 60) outcome.complete(listed);
        } catch (RuntimeException e) {
          outcome.completeExceptionally(e);
        }
      }, 0, 500, TimeUnit.MILLISECONDS);
      return outcome.join();
    } finally {
      timer.shutdownNow();
    }
  }

  private static long countQueued(JobApi api) {
    long listed = 0;
    String cursor = null;
    do {
      JsonNode page = api.get("/v1/jobs?status=QUEUED&limit=500" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      listed += page.get("jobs").size();
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    } while (cursor != null);
    return listed;
  }

  /**
   * One job at a time on a small image: the time from sending the submission to reading the final
   * event, minus the job's own inference time; beside it the same image through POST /v2/models/ocr/infer.
   */
  private static void overhead(Path jar, Path repo, byte[] png, int jobs) throws Exception {
    try (NodeProcess node = NodeProcess.start(jar, repo, Files.createTempDirectory("bench-jobs"), env(Map.of()))) {
      JobApi api = new JobApi("http://127.0.0.1:" + node.httpPort, null);
      String input = api.upload("small.png", "image/png", png);
      HttpClient http = HttpClient.newHttpClient();
      // A fresh JVM compiles the job path for a while on 2 cores: warm it, and the synchronous path.
      long warmUntil = System.nanoTime() + 25_000_000_000L;
      while (System.nanoTime() < warmUntil) runOne(api, input);
      for (int i = 0; i < 100; i++) syncInfer(http, node.httpPort, png);

      ThreadCpu threads = new ThreadCpu(node.handle().pid());
      double[] sync = new double[jobs];
      Map<Long, Long> syncBefore = threads.snapshot();
      for (int i = 0; i < jobs; i++) sync[i] = syncInfer(http, node.httpPort, png);
      ThreadCpu.Split syncCpu = threads.between(syncBefore, threads.snapshot());
      double[] inference = new double[jobs];
      double[] clientOverhead = new double[jobs];
      double[] serverOverhead = new double[jobs];
      double[] storage = new double[jobs];
      double[] toStart = new double[jobs];
      double[] submitRoundTrip = new double[jobs];
      double[] afterStart = new double[jobs];
      Map<Long, Long> jobsBefore = threads.snapshot();
      for (int i = 0; i < jobs; i++) {
        Run r = runOne(api, input);
        inference[i] = r.inferenceMs();
        clientOverhead[i] = r.clientMs() - r.inferenceMs();
        serverOverhead[i] = r.serverMs() - r.inferenceMs();
        storage[i] = r.storageMs();
        toStart[i] = r.toStartMs();
        submitRoundTrip[i] = r.submitMs();
        afterStart[i] = r.afterStartMs() - r.inferenceMs();
      }
      ThreadCpu.Split jobsCpu = threads.between(jobsBefore, threads.snapshot());
      System.out.printf(Locale.ROOT, "inference (same run): sync POST /v2/models/ocr/infer p50 %.2f ms; in-job inference p50 %.2f ms%n",
          pct(sync, 0.5), pct(inference, 0.5));
      System.out.printf(Locale.ROOT, "job overhead beyond inference, %d sequential jobs:%n", jobs);
      System.out.printf(Locale.ROOT, "  client-observed (submit sent -> final SSE event): p50 %.2f  p95 %.2f  p99 %.2f ms"
              + " (of which the submit round trip, 202 received: p50 %.2f ms)%n",
          pct(clientOverhead, 0.5), pct(clientOverhead, 0.95), pct(clientOverhead, 0.99), pct(submitRoundTrip, 0.5));
      // Event times are taken when the entity handles the command, before the event is written.
      System.out.printf(Locale.ROOT, "  server-side (submission accepted by the entity -> success recorded): p50 %.2f  p95 %.2f  p99 %.2f ms%n",
          pct(serverOverhead, 0.5), pct(serverOverhead, 0.95), pct(serverOverhead, 0.99));
      System.out.printf(Locale.ROOT, "    accepted -> Start handled (ticket to a worker while JobSubmitted is written): p50 %.2f ms%n",
          pct(toStart, 0.5));
      System.out.printf(Locale.ROOT, "    Start handled -> success, minus inference (inference already runs during Start): p50 %.2f ms%n",
          pct(afterStart, 0.5));
      System.out.printf(Locale.ROOT, "    storage (input read + result write): p50 %.2f ms%n", pct(storage, 0.5));
      System.out.printf(Locale.ROOT, "  target: server-side overhead p50 <= 5 ms: %s%n", pct(serverOverhead, 0.5) <= 5 ? "met" : "missed");
      // The node's own CPU (its threads from /proc; the client here is left out), per job and per sync call.
      double jobNode = jobsCpu.total() / jobs, jobInference = jobsCpu.of(ThreadCpu.Kind.INFERENCE) / jobs;
      double syncNode = syncCpu.total() / jobs, syncInference = syncCpu.of(ThreadCpu.Kind.INFERENCE) / jobs;
      System.out.printf(Locale.ROOT, "node CPU per finished job: %.2f core-ms, of which inference threads %.2f: %.2f core-ms beyond"
              + " inference (GC %.2f, JIT %.2f); the same image through sync infer: %.2f core-ms, inference threads %.2f, beyond %.2f%n",
          jobNode, jobInference, jobNode - jobInference, jobsCpu.of(ThreadCpu.Kind.GC) / jobs, jobsCpu.of(ThreadCpu.Kind.JIT) / jobs,
          syncNode, syncInference, syncNode - syncInference);
      System.out.printf(Locale.ROOT, "  target: <= 1 core-ms of node CPU per finished small job beyond inference: %s%n",
          jobNode - jobInference <= 1 ? "met" : "missed");
    }
  }

  private record Run(double clientMs, double serverMs, double inferenceMs, double storageMs, double toStartMs,
      double afterStartMs, double submitMs) {}

  private static Run runOne(JobApi api, String input) {
    long t0 = System.nanoTime();
    JobApi.Response submitted = api.submit("ocr", input, null, null);
    double submitMs = (System.nanoTime() - t0) / 1e6;
    if (submitted.status() != 202) throw new IllegalStateException("submit answered " + submitted.status() + " " + submitted.body());
    String id = submitted.json().get("jobId").asText();
    List<JobApi.Event> events = api.follow(id, Optional.empty());
    double clientMs = (System.nanoTime() - t0) / 1e6;
    JsonNode job = events.get(events.size() - 1).data().get("job");
    if (job == null || !job.get("status").asText().equals("SUCCEEDED")) throw new IllegalStateException("job " + id + " did not succeed: " + events);
    double serverMs = Instant.parse(job.get("updatedAt").asText()).toEpochMilli() - Instant.parse(job.get("createdAt").asText()).toEpochMilli();
    JsonNode t = job.get("timings");
    long submittedAt = at(events, "Submitted");
    long startedAt = at(events, "Started");
    long succeededAt = at(events, "Succeeded");
    return new Run(clientMs, serverMs, t.get("inferenceMs").asDouble(), t.get("downloadMs").asDouble() + t.get("uploadMs").asDouble(),
        startedAt - submittedAt, succeededAt - startedAt, submitMs);
  }

  private static long at(List<JobApi.Event> events, String name) {
    return events.stream().filter(e -> e.event().equals(name)).findFirst()
        .map(e -> Instant.parse(e.data().get("at").asText()).toEpochMilli()).orElseThrow();
  }

  /** The same image through the synchronous endpoint (binary tensor extension), in ms. */
  private static double syncInfer(HttpClient http, int port, byte[] png) throws Exception {
    String header = "{\"inputs\":[{\"name\":\"IMAGE\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":"
        + (png.length + 4) + "}}],\"outputs\":[{\"name\":\"RESULT_JSON\"}]}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(h.length + 4 + png.length).order(ByteOrder.LITTLE_ENDIAN);
    body.put(h).putInt(png.length).put(png);
    long t0 = System.nanoTime();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/ocr/infer"))
        .header("Inference-Header-Content-Length", Integer.toString(h.length))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.array())).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("sync inference answered " + r.statusCode() + " " + r.body());
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double pct(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }
}

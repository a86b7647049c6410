package io.inferencia.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Waves of OCR jobs on one uploaded page, submitted at once through an edge's REST API and followed
 * until every one SUCCEEDED, with the CPU time each node JVM used meanwhile. The wave is over at the
 * last job's success as the job recorded it ({@code updatedAt} of the read side's row, the time of
 * its Succeeded event), not when a poll noticed it. Polls read the jobs list every 250 ms: a few
 * queries, where a GET per job would cost the edge CPU that is counted against the jobs.
 */
final class OcrJobWave {
  private static final int SUBMITTERS = 4;
  private static final long POLL_MILLIS = 250;
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  /**
   * {@code seconds}: first submission to last success. CPU per job in core-ms; {@code utilisation}
   * (all node JVMs), {@code client} (this process) and {@code machine} (everything, /proc/stat) are
   * shares of all cores over the CPU window; {@code jit} the share of the nodes' CPU their JIT
   * compilers took (NaN without /proc).
   */
  record Measured(int jobs, double seconds, double edgeMsPerJob, double gpuMsPerJob, double utilisation, double jit,
      double client, double machine) {
    double jobsPerSecond() {
      return jobs / seconds;
    }
  }

  /** CPU readings at one moment: wall clock (to compare with the jobs' times), nanoTime, per JVM. */
  private record Sample(long epochMillis, long nanos, long edgeNs, long gpuNs, long clientNs, long[] machine) {}

  private final JobApi api;
  private final String input;
  private final ProcessHandle edge;
  private final List<ProcessHandle> gpus;
  private final JitActivity jit;
  private final com.sun.management.OperatingSystemMXBean self =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Uploads a page of {@code lines} text lines (900 px wide, 36 pt) through {@code api}, for every wave. */
  OcrJobWave(JobApi api, int lines, ProcessHandle edge, List<ProcessHandle> gpus) {
    this.api = api;
    List<String> text = new ArrayList<>();
    for (int line = 0; line < lines; line++) text.add("Line " + line + ": job scaling 0123456789");
    this.input = api.upload("job-scaling.png", "image/png", Samples.renderPng(text, 900, 36));
    this.edge = edge;
    this.gpus = List.copyOf(gpus);
    long[] pids = new long[gpus.size() + 1];
    pids[0] = edge.pid();
    for (int i = 0; i < gpus.size(); i++) pids[i + 1] = gpus.get(i).pid();
    this.jit = new JitActivity(pids);
  }

  /** Submits {@code jobs} OCR jobs and waits until all SUCCEEDED; fails on a FAILED or CANCELLED job or after 10 minutes. */
  Measured run(int jobs) throws InterruptedException {
    OptionalDouble jit0 = jit.compilerSeconds();
    Sample start = sample();
    Set<String> ids = submit(jobs);
    List<Sample> samples = new ArrayList<>();
    // Polled on a scheduler of its own; this thread only waits for the outcome.
    CompletableFuture<Long> allSucceeded = new CompletableFuture<>();
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
    poller.scheduleWithFixedDelay(() -> {
      try {
        failOnEnded("FAILED");
        failOnEnded("CANCELLED");
        long[] progress = progress(ids); // {succeeded, last success}
        samples.add(sample()); // after the query: at or after every success it saw
        if (progress[0] == jobs) allSucceeded.complete(progress[1]);
        else if (System.nanoTime() - start.nanos() > TIMEOUT.toNanos())
          throw new IllegalStateException(progress[0] + " of " + jobs + " jobs SUCCEEDED within " + TIMEOUT);
      } catch (RuntimeException e) {
        allSucceeded.completeExceptionally(e);
      }
    }, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    long lastSuccess;
    try {
      lastSuccess = allSucceeded.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      poller.shutdownNow();
      poller.awaitTermination(10, TimeUnit.SECONDS); // no poll still adding samples while they are read
    }
    OptionalDouble jit1 = jit.compilerSeconds();
    Sample end = samples.stream().filter(s -> s.epochMillis() >= lastSuccess).findFirst().orElse(samples.get(samples.size() - 1));
    double seconds = Math.max(0.001, (lastSuccess - start.epochMillis()) / 1000.0);
    double window = (end.nanos() - start.nanos()) * (double) CORES;
    long edgeNs = end.edgeNs() - start.edgeNs(), gpuNs = end.gpuNs() - start.gpuNs();
    double jitShare = jit0.isPresent() && jit1.isPresent()
        ? (jit1.getAsDouble() - jit0.getAsDouble()) * 1e9 / (edgeNs + gpuNs) : Double.NaN;
    return new Measured(jobs, seconds, edgeNs / 1e6 / jobs, gpuNs / 1e6 / jobs, (edgeNs + gpuNs) / window, jitShare,
        (end.clientNs() - start.clientNs()) / window, EdgeHopBenchmark.busy(start.machine(), end.machine()));
  }

  /** All jobs submitted from a few threads at once (one submission is a few ms; OCR takes far longer). */
  private Set<String> submit(int jobs) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(SUBMITTERS);
    try {
      List<Future<String>> submitted = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        int n = i;
        submitted.add(pool.submit(() -> {
          JobApi.Response r = api.submit("ocr", input, Map.of("n", n), null);
          if (r.status() != 202) throw new IllegalStateException("submit answered " + r.status() + " " + r.body());
          return r.json().get("jobId").asText();
        }));
      }
      Set<String> ids = new HashSet<>();
      for (Future<String> f : submitted) ids.add(f.get());
      return ids;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a submission failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** {succeeded, latest success in epoch ms} among {@code ids}, from the read side's SUCCEEDED pages. */
  private long[] progress(Set<String> ids) {
    long succeeded = 0, last = 0;
    String cursor = null;
    do {
      JsonNode page = ok(api.get("/v1/jobs?status=SUCCEEDED&limit=500"
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8))));
      for (JsonNode job : page.get("jobs"))
        if (ids.contains(job.get("jobId").asText())) {
          succeeded++;
          last = Math.max(last, Instant.parse(job.get("updatedAt").asText()).toEpochMilli());
        }
      cursor = page.path("nextCursor").isTextual() ? page.get("nextCursor").asText() : null;
    } while (cursor != null);
    return new long[] {succeeded, last};
  }

  /** Any job of this cluster (warm-up ones too) in {@code status} ends the run: the figures would be wrong. */
  private void failOnEnded(String status) {
    JsonNode jobs = ok(api.get("/v1/jobs?status=" + status + "&limit=1")).get("jobs");
    if (!jobs.isEmpty()) throw new IllegalStateException("a job ended " + status + ": " + jobs.get(0));
  }

  private static JsonNode ok(JobApi.Response r) {
    if (r.status() != 200 || r.json() == null) throw new IllegalStateException("jobs list answered " + r.status() + " " + r.body());
    return r.json();
  }

  private Sample sample() {
    long gpuNs = 0;
    for (ProcessHandle g : gpus) gpuNs += cpu(g);
    return new Sample(System.currentTimeMillis(), System.nanoTime(), cpu(edge), gpuNs, self.getProcessCpuTime(),
        EdgeHopBenchmark.machineTicks());
  }

  /** utime + stime of the whole process (all threads), as /proc/[pid]/stat has them; a node that died ends the run. */
  private static long cpu(ProcessHandle p) {
    return p.info().totalCpuDuration().map(Duration::toNanos)
        .orElseThrow(() -> new IllegalStateException("no CPU time for pid " + p.pid() + " (exited? job-scaling needs Linux's /proc)"));
  }
}

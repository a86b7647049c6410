package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.NodeProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Nothing is lost: the packaged node is killed with SIGKILL while 100 jobs are queued or running, then
 * started again on the same data dir. Every job ends SUCCEEDED with exactly one result object: the one
 * its success names.
 */
class NodeCrashIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));
  private static final int JOBS = 100;
  private static final Map<String, String> FAST_RECOVERY = Map.of(
      "JOB_SWEEP_INTERVAL", "1s", "JOB_STALE_AFTER", "3s", "JOB_WORKER_PARALLELISM", "4");

  @Test
  void everyJobSucceedsOnceAfterAKill9() throws Exception {
    Path data = Files.createTempDirectory("crash-it");
    List<String> ids = new ArrayList<>();
    Instant killedAt;
    try (NodeProcess first = NodeProcess.start(JAR, REPO, data, FAST_RECOVERY)) {
      JobApi api = new JobApi("http://127.0.0.1:" + first.httpPort, null);
      String input = api.upload("page.png", "image/png", page());
      // Submitted from several clients at once, so the jobs queue up: a worker that keeps pace with
      // one submitter would leave nothing in flight to kill.
      ExecutorService submitters = Executors.newFixedThreadPool(8);
      try {
        List<Future<String>> submitted = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
          int n = i;
          submitted.add(submitters.submit(() -> {
            JobApi.Response r = api.submit("ocr", input, Map.of("n", n), null);
            assertEquals(202, r.status(), r.body());
            return r.json().get("jobId").asText();
          }));
        }
        for (Future<String> f : submitted) ids.add(f.get());
      } finally {
        submitters.shutdown();
      }
      // Kill while work is in flight: the moment an early job ends (its event stream closes), most
      // of the others are still queued or running.
      api.follow(ids.get(4), java.util.Optional.empty());
      first.kill();
      killedAt = Instant.now();
    }

    try (NodeProcess second = NodeProcess.start(JAR, REPO, data, FAST_RECOVERY)) {
      JobApi api = new JobApi("http://127.0.0.1:" + second.httpPort, null);
      assertEquals(JOBS, awaitSucceeded(api, ids, JOBS, Duration.ofMinutes(4)), "every job must end SUCCEEDED");
      int finishedAfterRestart = 0;
      Set<String> expected = new HashSet<>();
      for (String id : ids) {
        JsonNode job = api.get("/v1/jobs/" + id).json();
        assertEquals("SUCCEEDED", job.get("status").asText(), job.toString());
        expected.add(job.get("output").get("uri").asText().substring("s3://results/".length()));
        List<JobApi.Event> events = api.follow(id, java.util.Optional.empty());
        assertEquals(1, events.stream().filter(e -> e.event().equals("Succeeded")).count(), id + ": " + events);
        if (succeededAt(events).isAfter(killedAt)) finishedAfterRestart++;
      }
      assertTrue(finishedAfterRestart > 0, "the kill must land while jobs are still queued or running");
      // Runs cut off by the kill may have written their attempt's result: only the accepted ones remain.
      // The deletes run after the jobs' last events: give them a few seconds.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!expected.equals(resultKeys(data, second)) && System.nanoTime() < deadline) Thread.sleep(200);
      assertEquals(expected, resultKeys(data, second), "exactly one result object per job, nothing else");
    }
  }

  /** Polls the jobs until at least {@code n} succeeded; returns how many have. Fails on any FAILED job. */
  private static int awaitSucceeded(JobApi api, List<String> ids, int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int succeeded = 0;
    while (System.nanoTime() < deadline) {
      succeeded = 0;
      for (String id : ids) {
        JobApi.Response r = api.get("/v1/jobs/" + id);
        String status = r.json() == null ? "" : r.json().path("status").asText();
        if (status.equals("FAILED") || status.equals("CANCELLED")) throw new AssertionError(id + " ended " + r.body());
        if (status.equals("SUCCEEDED")) succeeded++;
      }
      if (succeeded >= n) return succeeded;
      Thread.sleep(1000);
    }
    return succeeded;
  }

  /** Six lines of text: each job detects and recognises several lines, so the work outlasts the submissions. */
  private static byte[] page() {
    List<String> lines = new ArrayList<>();
    for (int line = 0; line < 6; line++) lines.add("Line " + line + ": the quick brown fox 0123456789");
    return Samples.renderPng(lines, 900, 36);
  }

  private static Instant succeededAt(List<JobApi.Event> events) {
    return events.stream().filter(e -> e.event().equals("Succeeded")).findFirst()
        .map(e -> Instant.parse(e.data().get("at").asText())).orElseThrow();
  }

  /** The results bucket as the S3 API lists it, with the node's generated credentials. */
  private static Set<String> resultKeys(Path data, NodeProcess node) throws Exception {
    String secret = Files.readString(data.resolve("s3").resolve(".secret-key")).trim();
    try (S3Client s3 = S3Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + node.s3Port))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("inferencia", secret)))
        .build()) {
      Set<String> keys = new HashSet<>();
      String token = null;
      do {
        var page = s3.listObjectsV2(ListObjectsV2Request.builder().bucket("results").continuationToken(token).build());
        for (S3Object o : page.contents()) assertTrue(keys.add(o.key()), "duplicate key " + o.key());
        token = page.isTruncated() ? page.nextContinuationToken() : null;
      } while (token != null);
      return keys;
    }
  }

}

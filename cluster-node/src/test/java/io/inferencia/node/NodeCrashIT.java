package io.inferencia.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.JobBatch;
import io.inferencia.node.testkit.NodeProcess;
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

/**
 * Nothing is lost: the packaged node is killed with SIGKILL while jobs are queued or running, then
 * started again on the same data dir; or it is frozen with SIGSTOP and thawed. Every job ends
 * SUCCEEDED with exactly one result object: the one its success names.
 *
 * <p>CI runs 100 jobs and a 20 s stop with fast sweeper settings; the fault runs of the closing notes
 * use {@code -Dcrash.jobs=250 -Dcrash.shipped-settings=true} (the sweeper as shipped).
 */
class NodeCrashIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));
  private static final int JOBS = Integer.getInteger("crash.jobs", 100);
  private static final int STOP_SECONDS = Integer.getInteger("crash.stop-seconds", 20);
  private static final Map<String, String> SETTINGS = Boolean.getBoolean("crash.shipped-settings")
      ? Map.of("JOB_WORKER_PARALLELISM", "4")
      : Map.of("JOB_SWEEP_INTERVAL", "1s", "JOB_STALE_AFTER", "3s", "JOB_WORKER_PARALLELISM", "4");

  @Test
  void everyJobSucceedsOnceAfterAKill9() throws Exception {
    Path data = Files.createTempDirectory("crash-it");
    List<String> ids;
    Instant killedAt;
    try (NodeProcess first = NodeProcess.start(JAR, REPO, data, SETTINGS)) {
      JobApi api = new JobApi("http://127.0.0.1:" + first.httpPort, null);
      ids = submitMany(api);
      // Kill while work is in flight: the moment an early job ends (its event stream closes), most
      // of the others are still queued or running.
      api.follow(ids.get(4), java.util.Optional.empty());
      first.kill();
      killedAt = Instant.now();
    }

    try (NodeProcess second = NodeProcess.start(JAR, REPO, data, SETTINGS)) {
      Instant readyAt = Instant.now();
      JobApi api = new JobApi("http://127.0.0.1:" + second.httpPort, null);
      assertEquals(JOBS, awaitSucceeded(api, ids, JOBS, Duration.ofMinutes(4)), "every job must end SUCCEEDED");
      System.out.printf("kill -9 with %d jobs: ready %.1f s after the kill, all succeeded %.1f s after ready%n", JOBS,
          Duration.between(killedAt, readyAt).toMillis() / 1000.0, Duration.between(readyAt, Instant.now()).toMillis() / 1000.0);
      assertEachSucceededOnce(api, ids, data, second, killedAt);
    }
  }

  @Test
  void everyJobSucceedsOnceAfterTheNodeIsFrozen() throws Exception {
    Path data = Files.createTempDirectory("stop-it");
    try (NodeProcess node = NodeProcess.start(JAR, REPO, data, SETTINGS)) {
      JobApi api = new JobApi("http://127.0.0.1:" + node.httpPort, null);
      List<String> ids = submitMany(api);
      api.follow(ids.get(4), java.util.Optional.empty());
      signal(node, "STOP");
      Instant stoppedAt = Instant.now();
      Thread.sleep(STOP_SECONDS * 1000L); // the fault itself: the node frozen this long
      signal(node, "CONT");
      Instant thawedAt = Instant.now();
      // Submissions are taken again at once, and run like the others.
      JobApi.Response late = api.submit("ocr", api.upload("late.png", "image/png", page()), Map.of("late", true), null);
      assertEquals(202, late.status(), late.body());
      System.out.printf("SIGSTOP %d s: a submission accepted %.1f s after SIGCONT%n", STOP_SECONDS,
          Duration.between(thawedAt, Instant.now()).toMillis() / 1000.0);
      List<String> all = new ArrayList<>(ids);
      all.add(late.json().get("jobId").asText());
      assertEquals(all.size(), awaitSucceeded(api, all, all.size(), Duration.ofMinutes(4)), "every job must end SUCCEEDED");
      System.out.printf("SIGSTOP %d s with %d jobs: all succeeded %.1f s after SIGCONT%n", STOP_SECONDS, JOBS,
          Duration.between(thawedAt, Instant.now()).toMillis() / 1000.0);
      assertEachSucceededOnce(api, all, data, node, stoppedAt);
    }
  }

  /** Submitted from several clients at once, so the jobs queue up: a worker that keeps pace with one submitter would leave nothing in flight. */
  private static List<String> submitMany(JobApi api) throws Exception {
    String input = api.upload("page.png", "image/png", page());
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
      List<String> ids = new ArrayList<>();
      for (Future<String> f : submitted) ids.add(f.get());
      return ids;
    } finally {
      submitters.shutdown();
    }
  }

  /**
   * Each job SUCCEEDED with one Succeeded event, some of them after the fault, and the results bucket
   * holds exactly the accepted result objects.
   */
  private static void assertEachSucceededOnce(JobApi api, List<String> ids, Path data, NodeProcess node, Instant faultAt)
      throws Exception {
    int finishedAfterFault = 0;
    Set<String> expected = new HashSet<>();
    for (String id : ids) {
      JsonNode job = api.get("/v1/jobs/" + id).json();
      assertEquals("SUCCEEDED", job.get("status").asText(), job.toString());
      expected.add(job.get("output").get("uri").asText().substring("s3://results/".length()));
      List<JobApi.Event> events = api.follow(id, java.util.Optional.empty());
      assertEquals(1, events.stream().filter(e -> e.event().equals("Succeeded")).count(), id + ": " + events);
      if (succeededAt(events).isAfter(faultAt)) finishedAfterFault++;
    }
    assertTrue(finishedAfterFault > 0, "the fault must land while jobs are still queued or running");
    // Runs cut off by the fault may have written their attempt's result: only the accepted ones remain.
    // The deletes run after the jobs' last events: give them a few seconds.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertEquals(expected, resultKeys(data, node), "exactly one result object per job, nothing else"));
  }

  private static void signal(NodeProcess node, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.handle().pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal);
  }

  /** Waits until at least {@code n} jobs succeeded; returns how many have. Fails at once on any FAILED or CANCELLED job. */
  private static int awaitSucceeded(JobApi api, List<String> ids, int n, Duration timeout) {
    int[] succeeded = new int[1];
    try {
      await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).until(() -> {
        succeeded[0] = countSucceeded(api, ids);
        return succeeded[0] >= n;
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // the caller's assertion reports the count
    }
    return succeeded[0];
  }

  private static int countSucceeded(JobApi api, List<String> ids) {
    int succeeded = 0;
    for (String id : ids) {
      JobApi.Response r = api.get("/v1/jobs/" + id);
      String status = r.json() == null ? "" : r.json().path("status").asText();
      if (status.equals("FAILED") || status.equals("CANCELLED")) throw new AssertionError(id + " ended " + r.body());
      if (status.equals("SUCCEEDED")) succeeded++;
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
    return JobBatch.resultKeys(node.s3Port, Files.readString(data.resolve("s3").resolve(".secret-key")).trim());
  }


}

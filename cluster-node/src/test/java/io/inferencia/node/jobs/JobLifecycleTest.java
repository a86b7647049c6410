package io.inferencia.node.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.conformance.Samples;
import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobEvent;
import io.inferencia.protocols.jobs.RunCheck;
import io.inferencia.protocols.storage.S3Uri;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Idempotent submission, cancellation in each state, and the listing from the read side. */
class JobLifecycleTest {
  private static InProcessNode node;
  private static JobApi api;

  @BeforeAll
  static void node() throws Exception {
    node = OpenNode.get();
    api = new JobApi(node.http(), null);
  }

  @Test
  void idempotencyKeyGivesTheSameJobForTheSameBodyAndConflictsOtherwise() throws Exception {
    String input = api.upload("idem.png", "image/png", Samples.renderPng("Same"));
    JobApi.Response first = api.submit("ocr", input, Map.of("note", "a"), "order-17");
    JobApi.Response again = api.submit("ocr", input, Map.of("note", "a"), "order-17");
    assertEquals(202, first.status());
    assertEquals(202, again.status());
    assertEquals(first.json().get("jobId"), again.json().get("jobId"));
    JobApi.Response other = api.submit("ocr", input, Map.of("note", "b"), "order-17");
    assertEquals(409, other.status(), other.body());
    assertEquals("https://inferencia.io/problems/idempotency-conflict", other.json().get("type").asText());
    JobApi.Response fresh = api.submit("ocr", input, Map.of("note", "a"), "order-18");
    assertNotEquals(first.json().get("jobId"), fresh.json().get("jobId"));
  }

  @Test
  void cancellingQueuedRunningAndFinishedJobs() throws Exception {
    // One job runs at a time on this node: a long recording keeps the worker busy.
    String longInput = api.upload("noise.wav", "audio/wav", noiseWav(16_000, 60));
    String running = api.submit("vad", longInput, null, null).json().get("jobId").asText();
    awaitStatus(running, "RUNNING");
    String queuedInput = api.upload("q.png", "image/png", Samples.renderPng("Queued"));
    String queued = api.submit("ocr", queuedInput, null, null).json().get("jobId").asText();

    JobApi.Response cancelQueued = api.delete("/v1/jobs/" + queued);
    assertEquals(200, cancelQueued.status(), cancelQueued.body());
    assertEquals("CANCELLED", cancelQueued.json().get("status").asText());
    JobApi.Response cancelRunning = api.delete("/v1/jobs/" + running);
    assertEquals("CANCELLED", cancelRunning.json().get("status").asText());

    // The running one finishes its work and its result is thrown away; the queued one never starts. With
    // one job at a time, a job submitted now can only finish after the cancelled run let go of the worker.
    String after = api.submit("ocr", queuedInput, null, null).json().get("jobId").asText();
    assertEquals("SUCCEEDED", api.awaitFinished(after, Duration.ofSeconds(90)).get("status").asText());
    assertEquals("CANCELLED", api.get("/v1/jobs/" + running).json().get("status").asText());
    assertEquals(1, api.get("/v1/jobs/" + running).json().get("attempts").asInt());
    assertEquals("CANCELLED", api.get("/v1/jobs/" + queued).json().get("status").asText());
    assertEquals(0, api.get("/v1/jobs/" + queued).json().get("attempts").asInt(), "a job cancelled while queued never runs");
    assertFalse(node.services.storage().objects().head(new S3Uri("results", running + ".json")).isPresent(),
        "the result of a job cancelled while running is discarded");
    assertFalse(node.services.storage().objects().head(new S3Uri("results", queued + ".json")).isPresent());

    // The event stream of a cancelled job ends with it.
    List<JobApi.Event> events = api.follow(queued, Optional.empty());
    assertEquals("Cancelled", events.get(events.size() - 1).event());

    JobApi.Response again = api.delete("/v1/jobs/" + queued);
    assertEquals(409, again.status());
    assertEquals("https://inferencia.io/problems/job-finished", again.json().get("type").asText());
  }

  @Test
  void theWorkerTellsTheEntityWhetherItsRunIsStillUnderWay() throws Exception {
    String longInput = api.upload("check.wav", "audio/wav", noiseWav(16_000, 60));
    String id = api.submit("vad", longInput, null, null).json().get("jobId").asText();
    awaitStatus(id, "RUNNING");
    JobEvent.JobStarted started = startedEvent(id);
    ActorRef<Object> worker = ActorRefResolver.get(node.system).resolveActorRef(started.worker());
    assertTrue(checkRun(worker, id, started.attempt(), started.run()), "the run is under way");
    assertFalse(checkRun(worker, id, started.attempt(), "another-run"), "a run the worker does not know is not");
    api.awaitFinished(id, Duration.ofSeconds(90));
    assertFalse(checkRun(worker, id, started.attempt(), started.run()), "a finished run is no longer under way");
  }

  private static JobEvent.JobStarted startedEvent(String jobId) throws Exception {
    JdbcReadJournal journal = PersistenceQuery.get(Adapter.toClassic(node.system))
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal.currentEventsByPersistenceId("Job|" + jobId, 0, Long.MAX_VALUE)
        .map(e -> e.event())
        .filter(e -> e instanceof JobEvent.JobStarted)
        .map(e -> (JobEvent.JobStarted) e)
        .runWith(Sink.head(), node.system).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static boolean checkRun(ActorRef<Object> worker, String jobId, int attempt, String run) throws Exception {
    JobCommand answer = AskPattern.<Object, JobCommand>ask(worker, r -> new RunCheck(jobId, attempt, run, r),
        Duration.ofSeconds(5), node.system.scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return ((JobCommand.RunChecked) answer).running();
  }

  @Test
  void listingFiltersByStatusAndPagesWithACursor() throws Exception {
    String input = api.upload("list.png", "image/png", Samples.renderPng("List"));
    Set<String> mine = new HashSet<>();
    for (int i = 0; i < 5; i++) mine.add(api.submit("ocr", input, Map.of("i", i), null).json().get("jobId").asText());
    for (String id : mine) api.awaitFinished(id, Duration.ofSeconds(60));
    // The read side follows the journal within moments.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      Set<String> listed = new HashSet<>();
      String cursor = null;
      do {
        JsonNode page = api.get("/v1/jobs?status=SUCCEEDED&limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
        assertTrue(page.get("jobs").size() <= 2);
        page.get("jobs").forEach(j -> {
          assertEquals("SUCCEEDED", j.get("status").asText());
          listed.add(j.get("jobId").asText());
        });
        cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
      } while (cursor != null);
      assertTrue(listed.containsAll(mine), "every finished job is listed exactly where it belongs");
    });
    JsonNode newest = api.get("/v1/jobs?limit=1").json().get("jobs").get(0);
    assertTrue(newest.has("createdAt") && newest.has("input") && newest.has("task"), newest.toString());
  }

  @Test
  void aTransientFailureIsRetriedWithBackoffAndEveryAttemptIsRecorded() throws Exception {
    String input = api.upload("retry.png", "image/png", Samples.renderPng("Retry me"));
    // The ocr pipeline stays READY without its detector: each attempt fails as UNAVAILABLE, a transient error.
    assertEquals(200, api.post("/v2/repository/models/ocr_det/unload", Map.of()).status());
    String id;
    try {
      id = api.submit("ocr", input, null, null).json().get("jobId").asText();
      String job = id;
      await("no retry was scheduled").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50)).until(() -> api.get("/v1/jobs/" + job).json().path("attempts").asInt() >= 2);
    } finally {
      assertEquals(200, api.post("/v2/repository/models/ocr_det/load", Map.of()).status());
    }
    JsonNode done = api.awaitFinished(id, Duration.ofSeconds(90));
    assertEquals("SUCCEEDED", done.get("status").asText(), done.toString());
    List<JobApi.Event> events = api.follow(id, Optional.empty());
    List<JobApi.Event> retries = events.stream().filter(e -> e.event().equals("RetryScheduled")).toList();
    long starts = events.stream().filter(e -> e.event().equals("Started")).count();
    assertTrue(retries.size() >= 1, events.toString());
    assertEquals(retries.size() + 1, starts, "one Started per attempt: " + events);
    assertEquals(starts, done.get("attempts").asInt());
    for (JobApi.Event r : retries) assertTrue(r.data().toString().contains("ocr_det"), "the retry names its cause: " + r.data());
    String result = new String(api.download(done.get("output").get("url").asText()));
    assertTrue(result.contains("Retry me"), result);
  }

  // ---- helpers ----

  private static void awaitStatus(String jobId, String status) {
    await("job " + jobId + " never reached " + status).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20)).until(() -> api.get("/v1/jobs/" + jobId).json().get("status").asText().equals(status));
  }

  /** White noise, 16-bit mono PCM. */
  static byte[] noiseWav(int rate, int seconds) {
    int samples = rate * seconds;
    ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
        .putShort((short) 2).putShort((short) 16);
    b.put("data".getBytes()).putInt(samples * 2);
    Random r = new Random(3);
    for (int i = 0; i < samples; i++) b.putShort((short) (r.nextGaussian() * 3000));
    return b.array();
  }
}

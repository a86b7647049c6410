package io.inferencia.node.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.persistence.storage.EmbeddedS3;
import io.inferencia.persistence.storage.S3Credentials;
import io.inferencia.persistence.storage.StorageSettings;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Object storage (a separate S3 server, as MinIO would be) goes down while jobs are queued and
 * running, for longer than the jobs' attempt limit could cover: new uploads and submissions answer
 * 503 with Retry-After, and every job accepted before the outage waits and then succeeds.
 */
class StorageOutageTest {
  private static final String SECRET = "outage-secret-key-0123456789";
  private static final int JOBS = 120;
  private static EmbeddedS3 s3;
  private static JobApi api;

  @BeforeAll
  static void start() throws Exception {
    int port = NodeProcess.freePort();
    s3 = new EmbeddedS3(new StorageSettings.Embedded("127.0.0.1", port, "127.0.0.1", Files.createTempDirectory("outage-s3")),
        new S3Credentials("inferencia", SECRET));
    s3.start();
    InProcessNode node = SharedNodes.get("storage.endpoint = \"http://127.0.0.1:" + port + "\"\n"
        + "storage.access-key = \"inferencia\"\nstorage.secret-key = \"" + SECRET + "\"\n"
        + "storage.breaker.max-failures = 2\nstorage.breaker.reset-timeout = 1s\nstorage.breaker.max-reset-timeout = 2s\n"
        + "jobs.retry.max-attempts = 2\njobs.retry.min-backoff = 200ms\njobs.retry.max-backoff = 1s\n");
    api = new JobApi(node.http(), null);
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  @Test
  void anOutageFailsNoJobAndNewUploadsAre503WithRetryAfter() throws Exception {
    String input = api.upload("outage.png", "image/png", Samples.renderPng("Still here"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      JobApi.Response r = api.submit("ocr", input, null, null);
      assertEquals(202, r.status(), r.body());
      ids.add(r.json().get("jobId").asText());
    }
    s3.close();
    try {
      JobApi.Response refused = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> api.post("/v1/uploads", Map.of("filename", "x.png", "contentType", "image/png", "size", 100)),
              r -> r.status() == 503);
      assertEquals("https://inferencia.io/problems/storage-unavailable", refused.json().get("type").asText());
      assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1, refused.headers().toString());
      JobApi.Response submit = api.submit("ocr", input, null, null);
      assertEquals(503, submit.status(), submit.body());
      assertTrue(submit.header("Retry-After") != null);
      // Down for longer than two attempts with a 1 s backoff could cover.
      Thread.sleep(8000);
    } finally {
      s3.start();
    }
    Instant restarted = Instant.now();

    // A job meets the outage by waiting out an attempt (retried later), or by riding it out within one
    // attempt (the S3 client's own retries): then it finishes only after storage is back.
    int waited = 0;
    int rodeOut = 0;
    for (String id : ids) {
      JsonNode job = api.awaitFinished(id, Duration.ofSeconds(120));
      assertEquals("SUCCEEDED", job.get("status").asText(), job.toString());
      if (job.get("attempts").asInt() > 1) waited++;
      else if (Instant.parse(job.get("updatedAt").asText()).isAfter(restarted)) rodeOut++;
    }
    assertTrue(waited + rodeOut > 0, "the outage met some jobs while they were under way");
    List<JobApi.Event> events = api.follow(ids.get(ids.size() - 1), Optional.empty());
    System.out.println("storage outage: " + waited + " of " + JOBS + " jobs waited for storage, " + rodeOut
        + " rode it out in one attempt; the last job's events: " + events.stream().map(JobApi.Event::event).toList());
    assertEquals(201, api.post("/v1/uploads", Map.of("filename", "y.png", "contentType", "image/png", "size", 100)).status());
  }
}

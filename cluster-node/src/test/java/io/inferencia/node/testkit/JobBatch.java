package io.inferencia.node.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * OCR jobs submitted through a node's REST API by a multi-node test, and the guarantee checked at the
 * end: each SUCCEEDED with exactly one Succeeded event, and the results bucket holds exactly one result
 * object per job (the one its success names).
 */
public final class JobBatch {
  private final JobApi api;
  private final List<String> ids;

  private JobBatch(JobApi api, List<String> ids) {
    this.api = api;
    this.ids = List.copyOf(ids);
  }

  /** Uploads a page of {@code lines} rendered lines and submits {@code n} OCR jobs on it. */
  public static JobBatch submitOcr(JobApi api, int n, int lines, String label) {
    List<String> text = new ArrayList<>();
    for (int line = 0; line < lines; line++) text.add("Line " + line + ": " + label + " 0123456789");
    String input = api.upload(label.replace(' ', '-') + ".png", "image/png", Samples.renderPng(text, 900, 36));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JobApi.Response r = api.submit("ocr", input, Map.of("n", i), null);
      assertEquals(202, r.status(), r.body());
      ids.add(r.json().get("jobId").asText());
    }
    return new JobBatch(api, ids);
  }

  /** The same jobs, followed through another edge (the one that took them may have restarted). */
  public JobBatch through(JobApi other) {
    return new JobBatch(other, ids);
  }

  public List<String> ids() {
    return ids;
  }

  /** Jobs SUCCEEDED so far; fails at once on a FAILED or CANCELLED one. */
  public int succeeded() {
    int succeeded = 0;
    for (String id : ids) {
      JobApi.Response r = api.get("/v1/jobs/" + id);
      String status = r.json() == null ? "" : r.json().path("status").asText();
      if (status.equals("FAILED") || status.equals("CANCELLED")) throw new AssertionError(id + " ended " + r.body());
      if (status.equals("SUCCEEDED")) succeeded++;
    }
    return succeeded;
  }

  public void awaitAllSucceeded(Duration within) {
    await().atMost(within).pollInterval(Duration.ofSeconds(1)).until(() -> succeeded() == ids.size());
  }

  /** One Succeeded event per job; returns the result objects' keys in the results bucket. */
  public Set<String> assertEachSucceededOnce() {
    Set<String> keys = new HashSet<>();
    for (String id : ids) {
      JsonNode job = api.get("/v1/jobs/" + id).json();
      assertEquals("SUCCEEDED", job.get("status").asText(), job.toString());
      keys.add(job.get("output").get("uri").asText().substring("s3://results/".length()));
      List<JobApi.Event> events = api.follow(id, Optional.empty());
      assertEquals(1, events.stream().filter(e -> e.event().equals("Succeeded")).count(), id + ": " + events);
    }
    return keys;
  }

  /**
   * Waits until the results bucket holds exactly {@code expected}: runs cut off by a fault may have
   * written their attempt's result, which is deleted after the job's last event.
   */
  public static void assertResultsAreExactly(Set<String> expected, int s3Port, String secret) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertEquals(expected, resultKeys(s3Port, secret), "exactly one result object per job, nothing else"));
  }

  /** The results bucket as the S3 API lists it. */
  public static Set<String> resultKeys(int s3Port, String secret) {
    try (S3Client s3 = S3Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + s3Port))
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

package io.inferencia.node.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.conformance.Samples;
import io.inferencia.protocols.storage.S3Uri;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad submissions get a clear RFC 9457 problem before anything is persisted; bad files that pass the
 * checks (they are what they claim only after decoding) end as FAILED jobs with their reason, at once.
 */
class JobInputsTest {
  private static InProcessNode node;
  private static JobApi api;

  @BeforeAll
  static void node() throws Exception {
    node = OpenNode.get();
    api = new JobApi(node.http(), null);
  }

  @Test
  void unknownTaskIs400() throws Exception {
    String input = api.upload("a.png", "image/png", Samples.renderPng("x"));
    assertRejected(() -> api.submit("translate", input, null, key()), 400, "unknown-task");
  }

  @Test
  void malformedInputUrisAre400() throws Exception {
    for (String bad : new String[] {"intake/default/a.png", "http://127.0.0.1/intake/a.png", "s3://intake",
        "s3://intake/default/../other/a.png", "s3://Intake!/a.png", "s3://intake/default//a.png"})
      assertRejected(() -> api.submit("ocr", bad, null, key()), 400, "invalid-input-uri");
  }

  @Test
  void inputOutsideTheIntakeBucketIs400() throws Exception {
    assertRejected(() -> api.submit("ocr", "s3://results/default/a.png", null, key()), 400, "input-not-in-intake");
  }

  @Test
  void missingObjectIs404() throws Exception {
    assertRejected(() -> api.submit("ocr", "s3://intake/default/2026/no-such-upload.png", null, key()), 404, "input-not-found");
  }

  @Test
  void objectOverTheTasksLimitIs413() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024];
    new Random(1).nextBytes(big);
    String input = api.upload("big.png", "image/png", big);
    assertRejected(() -> api.submit("ocr", input, null, key()), 413, "input-too-large");
  }

  @Test
  void zeroByteObjectIs400() throws Exception {
    S3Uri empty = new S3Uri("intake", "default/empty/" + UUID.randomUUID() + ".png");
    node.services.storage().objects().putObject(empty, new byte[0], "image/png");
    assertRejected(() -> api.submit("ocr", empty.toString(), null, key()), 400, "input-empty");
  }

  @Test
  void anotherTenantsKeyIs403() throws Exception {
    assertRejected(() -> api.submit("ocr", "s3://intake/someone-else/a.png", null, key()), 403, "input-not-yours");
  }

  @Test
  void invalidJsonSaysWhereItBrokeWithoutParserInternals() throws Exception {
    for (String path : new String[] {"/v1/jobs", "/v1/uploads"}) {
      JobApi.Response r = api.post(path, "{\"task\": \"ocr\",\n  \"input\": }");
      assertProblem(r, 400, "invalid-json");
      assertEquals("the body is not valid JSON (line 2, column 12)", r.json().get("detail").asText(), path);
    }
  }

  @Test
  void malformedBodiesAre400() throws Exception {
    assertProblem(api.post("/v1/jobs", "{\"task\": \"ocr\""), 400, "invalid-json");
    assertProblem(api.post("/v1/jobs", "{\"task\": \"ocr\"}"), 400, "invalid-job");
    assertProblem(api.post("/v1/jobs", "{\"task\": \"ocr\", \"input\": \"s3://intake/default/a.png\", \"priority\": 1}"), 400, "invalid-job");
    assertProblem(api.post("/v1/jobs", "{\"task\": \"ocr\", \"input\": \"s3://intake/default/a.png\", \"params\": {\"x\": [1]}}"), 400, "invalid-job");
    assertProblem(api.get("/v1/jobs/" + UUID.randomUUID()), 404, "job-not-found");
    assertProblem(api.get("/v1/jobs?status=DONE"), 400, "invalid-status");
    assertProblem(api.get("/v1/jobs?limit=0"), 400, "invalid-limit");
    assertProblem(api.get("/v1/jobs?cursor=garbage"), 400, "invalid-cursor");
    assertProblem(api.get("/v1/nothing-here"), 404, "not-found");
  }

  @Test
  void textFileNamedPngFailsWithItsReason() throws Exception {
    JsonNode done = runToTheEnd("notes.png", "image/png", "just some text, not an image\n".repeat(40).getBytes(StandardCharsets.UTF_8), "ocr");
    assertFailedAtOnce(done, "PNG or JPEG");
  }

  @Test
  void decompressionBombFailsWithoutDecoding() throws Exception {
    JsonNode done = runToTheEnd("bomb.png", "image/png", Samples.pngHeaderClaiming(100_000, 100_000), "ocr");
    assertFailedAtOnce(done, "pixels");
  }

  @Test
  void truncatedWavFailsWithItsReason() throws Exception {
    byte[] wav = Samples.speechWav();
    JsonNode done = runToTheEnd("cut.wav", "audio/wav", Arrays.copyOf(wav, wav.length / 2), "vad");
    assertFailedAtOnce(done, "truncated");
  }

  // ---- helpers ----

  private static JsonNode runToTheEnd(String name, String type, byte[] bytes, String task) throws Exception {
    String input = api.upload(name, type, bytes);
    JobApi.Response r = api.submit(task, input, null, null);
    assertEquals(202, r.status(), r.body());
    return api.awaitFinished(r.json().get("jobId").asText(), Duration.ofSeconds(60));
  }

  private static void assertFailedAtOnce(JsonNode job, String reasonPart) {
    assertEquals("FAILED", job.get("status").asText(), job.toString());
    assertTrue(job.get("error").asText().contains(reasonPart), job.toString());
    assertEquals(1, job.get("attempts").asInt(), "a bad input is not retried: " + job);
  }

  private static String lastKey;

  private static String key() {
    lastKey = "reject-" + UUID.randomUUID();
    return lastKey;
  }

  /**
   * The problem, and proof that nothing was persisted: the journal, counted before the submission is sent,
   * did not grow, and the job the Idempotency-Key would have named does not exist.
   */
  private static void assertRejected(java.util.function.Supplier<JobApi.Response> submission, int status, String type)
      throws Exception {
    long before = journalRows();
    assertProblem(submission.get(), status, type);
    String wouldBe = UUID.nameUUIDFromBytes(("default\n" + lastKey).getBytes(StandardCharsets.UTF_8)).toString();
    assertEquals(404, api.get("/v1/jobs/" + wouldBe).status(), "no job may exist for a rejected submission");
    assertEquals(before, journalRows(), "a rejected submission must not persist anything");
  }

  private static void assertProblem(JobApi.Response r, int status, String type) {
    assertEquals(status, r.status(), r.body());
    assertEquals("application/problem+json", r.header("Content-Type"), r.body());
    assertEquals("https://inferencia.io/problems/" + type, r.json().get("type").asText(), r.body());
    assertEquals(status, r.json().get("status").asInt());
    assertTrue(r.json().get("title").asText().length() > 0);
    assertTrue(r.json().get("detail").asText().length() > 0);
  }

  private static long journalRows() throws Exception {
    try (Connection c = node.services.database().dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM PUBLIC.\"event_journal\"")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

package io.inferencia.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.jobs.JobJson;
import io.inferencia.edge.jobs.JobRoutes;
import io.inferencia.edge.jobs.JobSubmissions;
import io.inferencia.edge.jobs.JobsClient;
import io.inferencia.edge.jobs.TaskCatalog;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.FakeObjectStore;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.edge.uploads.UploadRoutes;
import io.inferencia.edge.uploads.UploadSettings;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobStore;
import io.inferencia.protocols.jobs.JobTimings;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import io.inferencia.protocols.jobs.JobViewRepository;
import io.inferencia.protocols.storage.S3Uri;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code /v1} request bodies over HTTP: bound strictly, so a value of the wrong JSON type, an unknown
 * or repeated field, or anything after the object is a 400 problem naming the field and what it
 * accepts (never a parser's words); well-typed bodies still work, with job parameters kept as strings.
 */
class V1RequestBodiesTest {
  private static final long MIB = 1024 * 1024;
  private static final String INPUT = "s3://intake/default/2026/01/01/in/a.bin";
  private static final String JOB = "{\"task\": \"add_sub\", \"input\": \"" + INPUT + "\"";
  private static final Pattern INTERNALS = Pattern.compile("Exception|com\\.fasterxml|jackson|java\\.|`|CoercionConfig|Exp\\$");
  private static final FakeObjectStore OBJECTS = new FakeObjectStore();
  private static final RecordingJobStore JOBS = new RecordingJobStore();
  private static ActorTestKit testKit;
  private static ExecutorService blocking;
  private static ServerBinding binding;
  private static RestClient rest;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create("v1-bodies", ConfigFactory.load());
    blocking = Executors.newFixedThreadPool(2);
    io.inferencia.edge.auth.Authorized open = new io.inferencia.edge.auth.Authorized(
        io.inferencia.edge.auth.Authenticator.fromConfig(com.typesafe.config.ConfigFactory.load().getConfig("api")));
    UploadSettings settings = new UploadSettings(16 * MIB, 16 * MIB, 2, 1024 * MIB, Duration.ofMinutes(15),
        Duration.ofHours(1), "test-signing-key".getBytes(StandardCharsets.UTF_8));
    JobsClient jobs = new JobsClient(JOBS, Duration.ofSeconds(5));
    TaskCatalog tasks = new TaskCatalog(new FakeGateway(), ConfigFactory.parseString("ocr = 1MiB, vad = 1MiB, model = 1MiB"));
    JobRoutes jobRoutes = new JobRoutes(open, new JobSubmissions(tasks, OBJECTS, blocking, jobs, "intake"), jobs,
        new NoViews(), new JobJson(OBJECTS, Duration.ofHours(1)), blocking);
    UploadRoutes uploads = new UploadRoutes(open, OBJECTS, blocking, settings, "intake");
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(V1Api.v1(uploads.route(), jobRoutes.route()))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    rest = new RestClient("127.0.0.1", binding.localAddress().getPort());
    OBJECTS.put(S3Uri.parse(INPUT).orElseThrow(), 100, "application/octet-stream");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    blocking.shutdownNow();
  }

  // ---- jobs ----

  @Test
  void jobParamsStayStringsNumbersAndBooleans() {
    RestClient.Response r = rest.post("/v1/jobs",
        JOB + ", \"params\": {\"lang\": \"en\", \"n\": 3, \"ratio\": 1.5, \"big\": 12345678901234, \"fast\": true}}");
    assertEquals(202, r.status(), body(r));
    JobSpec spec = JOBS.submitted.get(r.json().get("jobId").asText());
    assertEquals(Map.of("lang", "en", "n", "3", "ratio", "1.5", "big", "12345678901234", "fast", "true"), spec.params());
    assertEquals(202, rest.post("/v1/jobs", JOB + ", \"params\": null}").status(), "null params are no params");
  }

  @Test
  void jobFieldsOfTheWrongTypeAreRefused() {
    assertProblem(rest.post("/v1/jobs", "{\"task\": 5, \"input\": \"" + INPUT + "\"}"), "invalid-job", "'task' must be a string");
    assertProblem(rest.post("/v1/jobs", "{\"task\": true, \"input\": \"" + INPUT + "\"}"), "invalid-job", "'task' must be a string");
    assertProblem(rest.post("/v1/jobs", "{\"task\": \"ocr\", \"input\": [\"x\"]}"), "invalid-job", "'input' must be a string");
    assertProblem(rest.post("/v1/jobs", "{\"task\": \"ocr\", \"input\": {\"uri\": \"x\"}}"), "invalid-job", "'input' must be a string");
    assertProblem(rest.post("/v1/jobs", JOB + ", \"params\": {\"a\": {\"b\": 1}}}"), "invalid-job",
        "'params.a' must be a string, number or boolean");
    assertProblem(rest.post("/v1/jobs", JOB + ", \"params\": {\"a\": [1]}}"), "invalid-job",
        "'params.a' must be a string, number or boolean");
    assertProblem(rest.post("/v1/jobs", JOB + ", \"params\": {\"a\": null}}"), "invalid-job",
        "'params.a' must be a string, number or boolean");
    assertProblem(rest.post("/v1/jobs", JOB + ", \"params\": \"a=b\"}"), "invalid-job", "'params' must be an object");
    assertProblem(rest.post("/v1/jobs", JOB + ", \"params\": [\"a\"]}"), "invalid-job", "'params' must be an object");
  }

  @Test
  void jobValuesKeepTheirLimitsAndMessages() {
    assertProblem(rest.post("/v1/jobs", "{\"input\": \"" + INPUT + "\"}"), "invalid-job", "'task' is required");
    assertProblem(rest.post("/v1/jobs", "{\"task\": null, \"input\": \"" + INPUT + "\"}"), "invalid-job", "'task' is required");
    assertProblem(rest.post("/v1/jobs", "{\"task\": \" \", \"input\": \"" + INPUT + "\"}"), "invalid-job",
        "'task' must be a non-empty string");
    assertProblem(rest.post("/v1/jobs", "{\"task\": \"" + "t".repeat(2049) + "\", \"input\": \"" + INPUT + "\"}"), "invalid-job",
        "'task' is too long");
    assertProblem(rest.post("/v1/jobs", JOB + ", \"params\": {\"a\": \"" + "v".repeat(1025) + "\"}}"), "invalid-job",
        "param 'a' is too long");
    StringBuilder many = new StringBuilder(JOB + ", \"params\": {");
    for (int i = 0; i < 65; i++) many.append(i == 0 ? "" : ",").append("\"p").append(i).append("\": ").append(i);
    assertProblem(rest.post("/v1/jobs", many + "}}"), "invalid-job", "'params' has more than 64 entries");
  }

  @Test
  void jobBodiesWithUnknownOrRepeatedFieldsOrTrailingContentAreRefused() {
    assertProblem(rest.post("/v1/jobs", JOB + ", \"foo\": 1}"), "invalid-job", "unknown field 'foo' (expected task, input, params)");
    assertProblem(rest.post("/v1/jobs", JOB + ", \"task\": \"vad\"}"), "invalid-job", "duplicate field 'task'");
    assertProblem(rest.post("/v1/jobs", JOB + ", \"params\": {\"a\": 1, \"a\": 2}}"), "invalid-job", "duplicate field 'params.a'");
    assertProblem(rest.post("/v1/jobs", JOB + "} {\"task\": \"vad\"}"), "invalid-json",
        "unexpected content after the JSON object " + at(JOB + "} "));
    assertProblem(rest.post("/v1/jobs", JOB + "} trailing"), "invalid-json",
        "unexpected content after the JSON object " + at(JOB + "} trailing"));
    assertProblem(rest.post("/v1/jobs", JOB + "}\n5"), "invalid-json", "unexpected content after the JSON object (line 2, column 1)");
    assertProblem(rest.post("/v1/jobs", "[" + JOB + "}]"), "invalid-job", "the body must be a JSON object");
    assertProblem(rest.post("/v1/jobs", ""), "invalid-job", "the body must be a JSON object");
    assertProblem(rest.post("/v1/jobs", "{\"task\": \"ocr\",\n  \"input\": }"), "invalid-json",
        "the body is not valid JSON (line 2, column 12)");
  }

  // ---- uploads ----

  @Test
  void uploadSizeMustBeAnIntegerNumberOfBytes() {
    assertProblem(create("\"12\""), "invalid-size", "'size' must be an integer");
    assertProblem(create("1.5"), "invalid-size", "'size' must be an integer");
    assertProblem(create("12.0"), "invalid-size", "'size' must be an integer");
    assertProblem(create("true"), "invalid-size", "'size' must be an integer");
    assertProblem(create("[12]"), "invalid-size", "'size' must be an integer");
    assertProblem(create("123456789012345678901234567890"), "invalid-size", "'size' is out of range");
    assertProblem(create("null"), "invalid-size", "'size' is required and must be the file's size in bytes");
    assertProblem(create("0"), "invalid-size", "'size' must be at least 1 byte");
    assertEquals(201, create("12").status());
  }

  @Test
  void uploadFieldsOfTheWrongTypeOrNameAreRefused() {
    assertProblem(rest.post("/v1/uploads", "{\"filename\": 5, \"contentType\": \"image/png\", \"size\": 1}"), "invalid-request",
        "'filename' must be a string");
    assertProblem(rest.post("/v1/uploads", "{\"filename\": \"a.png\", \"contentType\": false, \"size\": 1}"), "invalid-request",
        "'contentType' must be a string");
    assertProblem(rest.post("/v1/uploads", "{\"filename\": \"a.png\", \"contentType\": \"image/png\", \"size\": 1, \"sha256\": \"x\"}"),
        "invalid-request", "unknown field 'sha256' (expected filename, contentType, size)");
    assertProblem(rest.post("/v1/uploads", "{\"filename\": \"a.png\", \"filename\": \"b.png\", \"contentType\": \"image/png\", \"size\": 1}"),
        "invalid-request", "duplicate field 'filename'");
    String create = "{\"filename\": \"a.png\", \"contentType\": \"image/png\", \"size\": 1}";
    assertProblem(rest.post("/v1/uploads", create + "}"), "invalid-json", "the body is not valid JSON " + at(create));
    assertProblem(rest.post("/v1/uploads", create + " []"), "invalid-json", "unexpected content after the JSON object " + at(create + " "));
    assertProblem(rest.post("/v1/uploads", "[1]"), "invalid-json", "the body must be a JSON object");
    assertProblem(rest.post("/v1/uploads", "{\"contentType\": \"image/png\", \"size\": 1}"), "invalid-request",
        "'filename' is required and must be a non-empty string");
  }

  @Test
  void partNumbersMustBeIntegersInRange() {
    String id = multipart().get("uploadId").asText();
    String path = "/v1/uploads/" + id + "/parts";
    assertProblem(rest.post(path, "{\"partNumbers\": [\"2\"]}"), "invalid-part-numbers", "'partNumbers[0]' must be an integer");
    assertProblem(rest.post(path, "{\"partNumbers\": [1, 2.5]}"), "invalid-part-numbers", "'partNumbers[1]' must be an integer");
    assertProblem(rest.post(path, "{\"partNumbers\": [null]}"), "invalid-part-numbers", "'partNumbers[0]' must be an integer");
    assertProblem(rest.post(path, "{\"partNumbers\": 2}"), "invalid-part-numbers", "'partNumbers' must be a list");
    assertProblem(rest.post(path, "{\"partNumbers\": []}"), "invalid-part-numbers", "'partNumbers' must be a list of 1 to 1000 part numbers");
    assertProblem(rest.post(path, "{\"partNumbers\": [3]}"), "invalid-part-numbers", "part numbers run from 1 to 2, got 3");
    assertProblem(rest.post(path, "{\"partNumber\": [2]}"), "invalid-request", "unknown field 'partNumber' (expected partNumbers)");
    RestClient.Response more = rest.post(path, "{\"partNumbers\": [2]}");
    assertEquals(200, more.status(), body(more));
    assertEquals(2, more.json().get("parts").get(0).get("partNumber").asInt());
  }

  @Test
  void completedPartsMustBeWellTyped() {
    String id = multipart().get("uploadId").asText();
    String path = "/v1/uploads/" + id + "/complete";
    assertProblem(rest.post(path, parts("{\"partNumber\": \"1\", \"etag\": \"x\"}")), "invalid-parts",
        "'parts[0].partNumber' must be an integer");
    assertProblem(rest.post(path, parts("{\"partNumber\": 1, \"etag\": 7}")), "invalid-parts", "'parts[0].etag' must be a string");
    assertProblem(rest.post(path, parts("{\"partNumber\": 1, \"etag\": \"x\"}, 2")), "invalid-parts", "'parts[1]' must be an object");
    assertProblem(rest.post(path, parts("{\"partNumber\": 1, \"etag\": \"x\"}, null")), "invalid-parts", "'parts[1]' must be an object");
    assertProblem(rest.post(path, parts("{\"partNumber\": 1, \"etag\": \"x\", \"size\": 3}")), "invalid-parts",
        "unknown field 'parts[0].size' (expected partNumber, etag)");
    assertProblem(rest.post(path, parts("{\"partNumber\": 1, \"etag\": \"x\", \"etag\": \"y\"}")), "invalid-parts",
        "duplicate field 'parts[0].etag'");
    assertProblem(rest.post(path, "{\"parts\": {\"partNumber\": 1}}"), "invalid-parts", "'parts' must be a list");
    assertProblem(rest.post(path, "{}"), "invalid-parts", "'parts' must be a list of {partNumber, etag}");
    assertProblem(rest.post(path, parts("{\"partNumber\": 1, \"etag\": \"x\"}")), "upload-incomplete",
        "the upload has 2 parts, 1 were listed");
    assertProblem(rest.post(path, parts("{\"partNumber\": 2, \"etag\": \"x\"}, {\"partNumber\": 1, \"etag\": \"y\"}")), "invalid-parts",
        "'parts' must list partNumber 1..2 in order, each with the ETag its PUT returned");
    RestClient.Response done = rest.post(path, parts("{\"partNumber\": 1, \"etag\": \"x\"}, {\"partNumber\": 2, \"etag\": \"y\"}"));
    assertEquals(200, done.status(), body(done));
    assertEquals(20 * MIB, done.json().get("size").asLong());
  }

  // ---- helpers ----

  private static RestClient.Response create(String size) {
    return rest.post("/v1/uploads", "{\"filename\": \"a.bin\", \"contentType\": \"application/octet-stream\", \"size\": " + size + "}");
  }

  /** A 20 MiB multipart upload: two parts of 16 MiB and 4 MiB. */
  private static JsonNode multipart() {
    RestClient.Response r = create(Long.toString(20 * MIB));
    assertEquals(201, r.status(), body(r));
    assertEquals(2, r.json().get("partCount").asInt());
    return r.json();
  }

  /** Where the parser stopped: just after {@code before}, on its one line. */
  private static String at(String before) {
    return "(line 1, column " + (before.length() + 1) + ")";
  }

  private static String parts(String items) {
    return "{\"parts\": [" + items + "]}";
  }

  private static void assertProblem(RestClient.Response r, String type, String detail) {
    assertEquals(400, r.status(), body(r));
    assertEquals("application/problem+json", r.contentType(), body(r));
    JsonNode p = r.json();
    assertEquals("https://inferencia.io/problems/" + type, p.get("type").asText(), body(r));
    assertEquals(400, p.get("status").asInt());
    assertEquals(detail, p.get("detail").asText());
    assertFalse(INTERNALS.matcher(body(r)).find(), "no parser internals: " + body(r));
  }

  private static String body(RestClient.Response r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** Accepts every submission and keeps its spec. */
  private static final class RecordingJobStore implements JobStore {
    final Map<String, JobSpec> submitted = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<JobView> submit(String jobId, JobSpec spec) {
      submitted.put(jobId, spec);
      long now = System.currentTimeMillis();
      return CompletableFuture.completedFuture(new JobView(jobId, spec.tenant(), spec.task(), spec.input(), JobStatus.QUEUED,
          now, now, 0, null, null, JobTimings.NONE));
    }

    @Override
    public CompletionStage<JobView> get(String jobId) {
      throw new UnsupportedOperationException("not used by submissions");
    }

    @Override
    public CompletionStage<JobView> cancel(String jobId, String reason) {
      throw new UnsupportedOperationException("not used by submissions");
    }

    @Override
    public Source<JobTransition, NotUsed> watch(String jobId, long afterSeqNr) {
      throw new UnsupportedOperationException("not used by submissions");
    }
  }

  private static final class NoViews implements JobViewRepository {
    @Override
    public Page list(String tenant, JobStatus status, int limit, String cursor) {
      throw new UnsupportedOperationException("not used by submissions");
    }

    @Override
    public int countUnfinished(String tenant, int atMost) {
      return 0;
    }

    @Override
    public Optional<Row> find(String jobId) {
      return Optional.empty();
    }
  }
}

package io.inferencia.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.LocalClient;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.node.testkit.OtlpReceiver;
import io.inferencia.node.testkit.OtlpReceiver.ReceivedSpan;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import io.inferencia.protocols.grpc.ModelInferRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tracing as a user runs it: the packaged node with OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP protobuf) and
 * LOG_FORMAT=json, a collector run by the test, and callers that send W3C traceparent headers.
 */
class TracingIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static OtlpReceiver collector;
  private static NodeProcess node;
  private static JobApi api;

  @BeforeAll
  static void start() throws Exception {
    collector = new OtlpReceiver();
    node = NodeProcess.start(JAR, REPO, Files.createTempDirectory("tracing-it"), Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "LOG_FORMAT", "json"));
    api = new JobApi("http://127.0.0.1:" + node.httpPort, null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (collector != null) collector.close();
  }

  /** The edge's span of the submission down to the S3 write of the result: one trace, each span the child of the one before. */
  @Test
  void oneJobIsOneTraceFromTheEdgeToTheResultWrite() throws Exception {
    String traceId = randomHex(16);
    String callerSpan = randomHex(8);
    String input = api.upload("traced.png", "image/png", Samples.renderPng("TRACE ME 42"));
    JobApi.Response submitted = api.post("/v1/jobs", Map.of("task", "ocr", "input", input),
        "traceparent", "00-" + traceId + "-" + callerSpan + "-01");
    assertEquals(202, submitted.status(), submitted.body());
    String jobId = submitted.json().get("jobId").asText();
    assertEquals("SUCCEEDED", api.awaitFinished(jobId, Duration.ofSeconds(120)).get("status").asText());

    List<ReceivedSpan> trace = awaitSpans(traceId, "POST /v1/jobs", "job.submit", "job.run", "s3.get", "infer ocr",
        "infer ocr_det", "s3.put");
    ReceivedSpan edge = named(trace, "POST /v1/jobs");
    assertEquals(callerSpan, edge.parentSpanId(), "the edge's span is the caller's child");
    assertEquals(2, edge.kind(), "SPAN_KIND_SERVER");
    assertEquals("inferencia", edge.service());
    ReceivedSpan submit = childOf(trace, edge, "job.submit");
    assertEquals(jobId, submit.attributes().get("job.id"));
    ReceivedSpan run = childOf(trace, submit, "job.run");
    assertEquals("1", run.attributes().get("job.attempt"));
    ReceivedSpan read = childOf(trace, run, "s3.get");
    assertEquals(input, "s3://" + read.attributes().get("s3.bucket") + "/" + read.attributes().get("s3.key"));
    ReceivedSpan ocr = childOf(trace, run, "infer ocr");
    ReceivedSpan det = childOf(trace, ocr, "infer ocr_det");
    ReceivedSpan write = childOf(trace, run, "s3.put");
    assertEquals("results", write.attributes().get("s3.bucket"));
    assertTrue(write.attributes().get("s3.key").contains(jobId), write.toString());
    assertTrue(Long.parseLong(write.attributes().get("s3.bytes")) > 0, write.toString());

    // The detector's batch is a span of its own that links to this request's span.
    ReceivedSpan batch = awaitLinkTo(det);
    assertEquals("batch ocr_det", batch.name());
    System.out.println("tracing: job " + jobId + " is one trace of " + collector.trace(traceId).size() + " spans: "
        + names(collector.trace(traceId)) + "; its detector batch " + batch.traceId() + " links " + batch.links().size());
    assertTrue(Integer.parseInt(batch.attributes().get("batch.requests")) >= 1, batch.toString());
    assertEquals(List.of(), collector.problems());
  }

  /** gRPC metadata carries the context too; the recogniser's batches link to the call's model spans. */
  @Test
  void grpcCallsJoinTheCallersTrace() throws Exception {
    String traceId = randomHex(16);
    String callerSpan = randomHex(8);
    ActorSystem<Void> client = ActorSystem.create(Behaviors.empty(), "tracing-client", LocalClient.config());
    try {
      GRPCInferenceServiceClient grpc = GRPCInferenceServiceClient.create(
          GrpcClientSettings.connectToServiceAt("127.0.0.1", node.grpcPort, client).withTls(false), client);
      ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("ocr")
          .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("IMAGE").setDatatype("BYTES").addShape(1))
          .addRawInputContents(ByteString.copyFrom(Samples.bytesElement(Samples.renderPng("GRPC TRACE"))))
          .build();
      grpc.modelInfer().addHeader("traceparent", "00-" + traceId + "-" + callerSpan + "-01").invoke(req)
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      client.terminate();
    }
    List<ReceivedSpan> trace = awaitSpans(traceId, "ModelInfer", "infer ocr", "infer ocr_rec");
    ReceivedSpan call = named(trace, "ModelInfer");
    assertEquals(callerSpan, call.parentSpanId());
    ReceivedSpan ocr = childOf(trace, call, "infer ocr");
    ReceivedSpan rec = childOf(trace, ocr, "infer ocr_rec");
    assertEquals("batch ocr_rec", awaitLinkTo(rec).name());
  }

  /** With LOG_FORMAT=json every line is one JSON object, and a job's log line names the job's trace. */
  @Test
  void jsonLogLinesCarryTheTraceOfTheWorkTheyDescribe() throws Exception {
    String traceId = randomHex(16);
    String input = api.upload("not-an-image.png", "image/png", "this is text, not a PNG".getBytes());
    JobApi.Response submitted = api.post("/v1/jobs", Map.of("task", "ocr", "input", input),
        "traceparent", "00-" + traceId + "-" + randomHex(8) + "-01");
    assertEquals(202, submitted.status(), submitted.body());
    String jobId = submitted.json().get("jobId").asText();
    assertEquals("FAILED", api.awaitFinished(jobId, Duration.ofSeconds(120)).get("status").asText());

    JsonNode failure = await().atMost(Duration.ofSeconds(20)).until(
        () -> logLines().stream().filter(l -> l.path("message").asText().contains("Job " + jobId + " attempt 1 failed"))
            .findFirst(), Optional::isPresent).orElseThrow();
    assertEquals("INFO", failure.get("level").asText());
    assertEquals(traceId, failure.get("trace_id").asText(), failure.toString());
    assertEquals(16, failure.get("span_id").asText().length(), failure.toString());
    ReceivedSpan run = named(awaitSpans(traceId, "job.run"), "job.run");
    assertEquals(run.spanId(), failure.get("span_id").asText(), "the line names the attempt's span");
  }

  private static List<JsonNode> logLines() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : node.output().split("\n")) {
      if (line.isBlank()) continue;
      // Every line of the node's own logging is JSON; only the JVM's own warnings could be otherwise.
      if (line.startsWith("WARNING:") || line.startsWith("OpenJDK")) continue;
      JsonNode json = JSON.readTree(line);
      assertTrue(json.has("timestamp") && json.has("level") && json.has("logger") && json.has("message"), line);
      lines.add(json);
    }
    assertFalse(lines.isEmpty(), "the node logged");
    return lines;
  }

  private static List<ReceivedSpan> awaitSpans(String traceId, String... names) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(
        () -> collector.trace(traceId),
        spans -> List.of(names).stream().allMatch(n -> spans.stream().anyMatch(s -> s.name().equals(n))));
  }

  private static ReceivedSpan awaitLinkTo(ReceivedSpan target) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(
        () -> collector.spans().stream().filter(s -> s.links().contains(new OtlpReceiver.Link(target.traceId(), target.spanId())))
            .findFirst(), Optional::isPresent).orElseThrow();
  }

  private static ReceivedSpan named(List<ReceivedSpan> trace, String name) {
    List<ReceivedSpan> found = trace.stream().filter(s -> s.name().equals(name)).toList();
    assertEquals(1, found.size(), name + " once in " + names(trace));
    return found.get(0);
  }

  private static ReceivedSpan childOf(List<ReceivedSpan> trace, ReceivedSpan parent, String name) {
    ReceivedSpan child = trace.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    assertEquals(parent.spanId(), child.parentSpanId(), name + " is a child of " + parent.name() + " in " + names(trace));
    return child;
  }

  private static String names(List<ReceivedSpan> trace) {
    return trace.stream().map(s -> s.name() + "(" + s.spanId() + "<-" + s.parentSpanId() + ")").collect(Collectors.joining(", "));
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 1; // never all zero (invalid in W3C trace context)
    return HexFormat.of().formatHex(b);
  }
}

package io.inferencia.node.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.conformance.Samples;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job flow as a client lives it: upload straight to storage through the pre-signed multipart flow
 * with plain HTTP PUTs, submit by reference, follow Server-Sent Events to the end, download the result
 * through its pre-signed URL.
 */
class JobFlowTest {
  private static JobApi api;

  @BeforeAll
  static void node() throws Exception {
    api = new JobApi(OpenNode.get().http(), null);
  }

  @Test
  void ocrOfAnUploadedImage() throws Exception {
    byte[] png = Samples.renderPng("Invoice 2026");
    JsonNode created = api.post("/v1/uploads", Map.of("filename", "scan.png", "contentType", "image/png", "size", png.length)).json();
    assertTrue(created.has("partSize") && created.has("parts"), "above single-put-max the upload is multipart: " + created);
    String input = api.upload("scan.png", "image/png", png);
    assertTrue(input.startsWith("s3://intake/default/"), input);

    JobApi.Response submitted = api.submit("ocr", input, null, null);
    assertEquals(202, submitted.status(), submitted.body());
    String jobId = submitted.json().get("jobId").asText();
    assertEquals("/v1/jobs/" + jobId, submitted.json().get("statusUrl").asText());

    List<JobApi.Event> events = api.follow(jobId, Optional.empty());
    assertEquals(List.of("Submitted", "Started", "Succeeded"), events.stream().map(JobApi.Event::event).toList());
    JsonNode last = events.get(events.size() - 1).data();
    assertEquals("SUCCEEDED", last.get("status").asText());
    String url = last.get("job").get("output").get("url").asText();

    JsonNode result = JobApi.JSON.readTree(api.download(url));
    assertEquals(jobId, result.get("jobId").asText());
    assertEquals("Invoice 2026", result.get("result").get(0).get("text").asText(), result.toString());

    JsonNode view = api.get("/v1/jobs/" + jobId).json();
    assertEquals("SUCCEEDED", view.get("status").asText());
    assertEquals(1, view.get("attempts").asInt());
    assertEquals("s3://results/" + jobId + ".json", view.get("output").get("uri").asText());
  }

  @Test
  void vadOfAnUploadedRecording() throws Exception {
    String input = api.upload("speech.wav", "audio/wav", Samples.speechWav());
    String jobId = api.submit("vad", input, null, null).json().get("jobId").asText();
    List<JobApi.Event> events = api.follow(jobId, Optional.empty());
    JsonNode last = events.get(events.size() - 1).data();
    assertEquals("SUCCEEDED", last.get("status").asText(), last.toString());
    JsonNode result = JobApi.JSON.readTree(api.download(last.get("job").get("output").get("url").asText())).get("result");
    JsonNode segments = result.get("segments");
    assertTrue(segments.size() >= 1, result.toString());
    // The recording has speech from 1520 to 4560 ms inside silence.
    long start = segments.get(0).get("start_ms").asLong();
    long end = segments.get(segments.size() - 1).get("end_ms").asLong();
    assertTrue(Math.abs(start - 1520) <= 200 && Math.abs(end - 4560) <= 200, result.toString());
  }

  @Test
  void anyServedModelRunsAsAJobOnAKServeRequestDocument() throws Exception {
    float[] x = Samples.clsInput(2, 7);
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < x.length; i++) data.append(i == 0 ? "" : ",").append(x[i]);
    String request = "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3,48,192],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
    String input = api.upload("request.json", "application/json", request.getBytes());
    String jobId = api.submit("ocr_cls", input, null, null).json().get("jobId").asText();
    JsonNode done = api.awaitFinished(jobId, Duration.ofSeconds(60));
    assertEquals("SUCCEEDED", done.get("status").asText(), done.toString());
    JsonNode response = JobApi.JSON.readTree(api.download(done.get("output").get("url").asText())).get("result");
    assertEquals("ocr_cls", response.get("model_name").asText());
    JsonNode out = response.get("outputs").get(0);
    assertEquals("[2,2]", out.get("shape").toString());
    assertEquals(4, out.get("data").size());
  }

  @Test
  void eventsResumeAfterTheLastEventId() throws Exception {
    String input = api.upload("resume.png", "image/png", Samples.renderPng("Resume"));
    String jobId = api.submit("ocr", input, null, null).json().get("jobId").asText();
    api.awaitFinished(jobId, Duration.ofSeconds(60));
    List<JobApi.Event> all = api.follow(jobId, Optional.empty());
    List<JobApi.Event> after = api.follow(jobId, Optional.of("1"));
    assertEquals(all.subList(1, all.size()).stream().map(JobApi.Event::id).toList(), after.stream().map(JobApi.Event::id).toList());
  }
}

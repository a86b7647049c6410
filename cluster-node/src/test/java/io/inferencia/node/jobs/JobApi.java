package io.inferencia.node.jobs;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The /v1 API as a client program sees it, over plain HTTP: uploads straight to storage through the
 * pre-signed URLs (as a browser would: PUT the bytes, read the ETag), jobs, Server-Sent Events.
 */
public final class JobApi {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String apiKey;

  public JobApi(String base, String apiKey) {
    this.base = base;
    this.apiKey = apiKey;
  }

  public JobApi as(String otherKey) {
    return new JobApi(base, otherKey);
  }

  public record Response(int status, JsonNode json, String body, Map<String, List<String>> headers) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }
  }

  public Response post(String path, Object body, String... headers) {
    return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(json(body))).header("Content-Type", "application/json"));
  }

  public Response get(String path, String... headers) {
    return send(request(path, headers).GET());
  }

  public Response delete(String path) {
    return send(request(path).DELETE());
  }

  // ---- uploads ----

  /** Creates an upload and sends the bytes to storage the way the reply says (one PUT or parts); returns the input URI. */
  public String upload(String filename, String contentType, byte[] bytes) {
    Response created = post("/v1/uploads", Map.of("filename", filename, "contentType", contentType, "size", bytes.length));
    if (created.status() != 201) throw new AssertionError("upload not created: " + created.status() + " " + created.body());
    JsonNode r = created.json();
    if (r.has("url")) {
      int put = put(r.get("url").asText(), bytes, contentType).statusCode();
      if (put != 200) throw new AssertionError("single PUT answered " + put);
      return r.get("input").asText();
    }
    List<ObjectNode> parts = uploadParts(r, bytes);
    Response done = complete(r.get("uploadId").asText(), parts);
    if (done.status() != 200) throw new AssertionError("complete answered " + done.status() + " " + done.body());
    return r.get("input").asText();
  }

  /** As {@link #upload} for a file too large to hold: each part is read from the file when it is sent. */
  public String uploadFile(String filename, String contentType, Path file) throws IOException {
    long size = Files.size(file);
    Response created = post("/v1/uploads", Map.of("filename", filename, "contentType", contentType, "size", size));
    if (created.status() != 201 || !created.json().has("parts"))
      throw new AssertionError("multipart upload not created: " + created.status() + " " + created.body());
    JsonNode r = created.json();
    List<ObjectNode> parts = uploadParts(r, (from, length) -> {
      byte[] part = new byte[length];
      try (var f = new java.io.RandomAccessFile(file.toFile(), "r")) {
        f.seek(from);
        f.readFully(part);
      }
      return part;
    }, size);
    Response done = complete(r.get("uploadId").asText(), parts);
    if (done.status() != 200) throw new AssertionError("complete answered " + done.status() + " " + done.body());
    return r.get("input").asText();
  }

  interface PartReader {
    byte[] read(long from, int length) throws IOException;
  }

  List<ObjectNode> uploadParts(JsonNode created, byte[] bytes) {
    try {
      return uploadParts(created, (from, length) -> Arrays.copyOfRange(bytes, (int) from, (int) from + length), bytes.length);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** PUTs every part (asking for URLs beyond the first ones) and returns {partNumber, etag} for completion. */
  private List<ObjectNode> uploadParts(JsonNode created, PartReader reader, long size) throws IOException {
    long partSize = created.get("partSize").asLong();
    int count = created.get("partCount").asInt();
    String id = created.get("uploadId").asText();
    List<String> urls = new ArrayList<>();
    for (JsonNode p : created.get("parts")) urls.add(p.get("url").asText());
    if (urls.size() < count) {
      List<Integer> more = new ArrayList<>();
      for (int n = urls.size() + 1; n <= count; n++) more.add(n);
      Response r = post("/v1/uploads/" + id + "/parts", Map.of("partNumbers", more));
      if (r.status() != 200) throw new AssertionError("more parts answered " + r.status() + " " + r.body());
      for (JsonNode p : r.json().get("parts")) urls.add(p.get("url").asText());
    }
    List<ObjectNode> done = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      long from = (n - 1) * partSize;
      int length = (int) (Math.min(size, from + partSize) - from);
      HttpResponse<String> put = put(urls.get(n - 1), reader.read(from, length), null);
      if (put.statusCode() != 200) throw new AssertionError("part " + n + " PUT answered " + put.statusCode() + " " + put.body());
      done.add(JSON.createObjectNode().put("partNumber", n).put("etag", put.headers().firstValue("ETag").orElseThrow()));
    }
    return done;
  }

  Response complete(String uploadId, List<ObjectNode> parts) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode arr = body.putArray("parts");
    parts.forEach(arr::add);
    return post("/v1/uploads/" + uploadId + "/complete", body);
  }

  /** A plain HTTP PUT to a pre-signed URL, no credentials, as a browser sends it. */
  HttpResponse<String> put(String url, byte[] bytes, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (contentType != null) b.header("Content-Type", contentType);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("PUT to storage failed: " + e, e);
    }
  }

  public byte[] download(String url) {
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) throw new AssertionError("download answered " + r.statusCode());
      return r.body();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  // ---- jobs ----

  public Response submit(String task, String input, Map<String, ?> params, String idempotencyKey) {
    ObjectNode body = JSON.createObjectNode().put("task", task).put("input", input);
    if (params != null) body.set("params", JSON.valueToTree(params));
    return idempotencyKey == null ? post("/v1/jobs", body) : post("/v1/jobs", body, "Idempotency-Key", idempotencyKey);
  }

  /** One Server-Sent Event: its id, name and JSON data. */
  public record Event(String id, String event, JsonNode data) {}

  /** Reads the job's event stream until the server ends it (after the final transition). */
  public List<Event> follow(String jobId, Optional<String> lastEventId) {
    HttpRequest.Builder b = request("/v1/jobs/" + jobId + "/events").header("Accept", "text/event-stream");
    lastEventId.ifPresent(id -> b.header("Last-Event-ID", id));
    try {
      HttpResponse<java.util.stream.Stream<String>> r = http.send(b.timeout(Duration.ofSeconds(120)).build(),
          HttpResponse.BodyHandlers.ofLines());
      if (r.statusCode() != 200) throw new AssertionError("events answered " + r.statusCode());
      List<Event> events = new ArrayList<>();
      String id = null;
      String name = null;
      StringBuilder data = new StringBuilder();
      for (Iterator<String> it = r.body().iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.isEmpty()) {
          if (data.length() > 0) events.add(new Event(id, name, JSON.readTree(data.toString())));
          id = null;
          name = null;
          data.setLength(0);
        } else if (line.startsWith("data:")) data.append(line.substring(5));
        else if (line.startsWith("event:")) name = line.substring(6);
        else if (line.startsWith("id:")) id = line.substring(3);
      }
      return events;
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("event stream failed: " + e, e);
    }
  }

  /** Polls GET until the job is finished. */
  public JsonNode awaitFinished(String jobId, Duration timeout) throws InterruptedException {
    try {
      return await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
          .until(() -> get("/v1/jobs/" + jobId).json(), job -> FINISHED.contains(job.path("status").asText()));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("job " + jobId + " did not finish within " + timeout + ": " + get("/v1/jobs/" + jobId).body());
    }
  }

  private static final java.util.Set<String> FINISHED = java.util.Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  // ---- plumbing ----

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return b;
  }

  private Response send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode json = null;
      try {
        json = r.body().isEmpty() ? null : JSON.readTree(r.body());
      } catch (IOException notJson) {
        // kept as text
      }
      return new Response(r.statusCode(), json, r.body(), r.headers().map());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("request failed: " + e, e);
    }
  }

  private static String json(Object body) {
    try {
      return body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}

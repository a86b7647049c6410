package io.inferencia.node.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferencia.protocols.storage.S3Uri;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads go from the client to object storage; the edge only hands out signed URLs. Proven on a 200 MiB
 * multipart upload with the edge's own request-body byte counter, and the upload contract's errors.
 */
class UploadTest {
  private static final long MIB = 1024 * 1024;
  private static InProcessNode node;
  private static JobApi api;

  @BeforeAll
  static void node() throws Exception {
    node = OpenNode.get();
    api = new JobApi(node.http(), null);
  }

  @Test
  void twoHundredMibGoStraightToStorageAndNeverThroughTheEdge() throws Exception {
    long size = 200 * MIB;
    long before = edgeBodyBytes();
    JobApi.Response created = api.post("/v1/uploads", Map.of("filename", "big.bin", "contentType", "application/octet-stream", "size", size));
    assertEquals(201, created.status(), created.body());
    JsonNode r = created.json();
    assertEquals(16 * MIB, r.get("partSize").asLong());
    int parts = r.get("partCount").asInt();
    assertEquals(13, parts);
    String id = r.get("uploadId").asText();
    List<String> urls = new ArrayList<>();
    r.get("parts").forEach(p -> urls.add(p.get("url").asText()));
    List<Integer> rest = new ArrayList<>();
    for (int n = urls.size() + 1; n <= parts; n++) rest.add(n);
    api.post("/v1/uploads/" + id + "/parts", Map.of("partNumbers", rest)).json().get("parts").forEach(p -> urls.add(p.get("url").asText()));
    assertEquals(parts, urls.size());

    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    Random random = new Random(42);
    List<ObjectNode> done = new ArrayList<>();
    for (int n = 1; n <= parts; n++) {
      byte[] part = new byte[(int) Math.min(16 * MIB, size - (n - 1) * 16 * MIB)];
      random.nextBytes(part);
      sent.update(part);
      HttpResponse<String> put = api.put(urls.get(n - 1), part, null);
      assertEquals(200, put.statusCode(), put.body());
      done.add(JobApi.JSON.createObjectNode().put("partNumber", n).put("etag", put.headers().firstValue("ETag").orElseThrow()));
    }
    JobApi.Response complete = api.complete(id, done);
    assertEquals(200, complete.status(), complete.body());
    assertEquals(size, complete.json().get("size").asLong());

    long edgeBytes = edgeBodyBytes() - before;
    assertTrue(edgeBytes < 64 * 1024, "the edge received " + edgeBytes + " request-body bytes for a 200 MiB upload");

    // The object is whole in storage: its SHA-256 read back through the S3 API matches what was sent.
    S3Uri input = S3Uri.parse(r.get("input").asText()).orElseThrow();
    MessageDigest stored = MessageDigest.getInstance("SHA-256");
    try (InputStream in = node.services.storage().objects().openStream(input)) {
      byte[] buf = new byte[1 << 20];
      for (int k; (k = in.read(buf)) > 0; ) stored.update(buf, 0, k);
    }
    assertEquals(HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(stored.digest()));
  }

  @Test
  void singlePutUrlsAreBoundToTheDeclaredSizeAndType() throws Exception {
    JsonNode r = api.post("/v1/uploads", Map.of("filename", "../../etc/passwd", "contentType", "text/plain", "size", 100)).json();
    String input = r.get("input").asText();
    assertTrue(input.matches("s3://intake/default/\\d{4}/\\d{2}/\\d{2}/[0-9a-f-]{36}/passwd"), "server-chosen key: " + input);
    assertEquals("text/plain", r.get("headers").get("Content-Type").asText());
    assertEquals(403, api.put(r.get("url").asText(), new byte[99], "text/plain").statusCode(), "another length is refused");
    assertEquals(403, api.put(r.get("url").asText(), new byte[100], "image/png").statusCode(), "another type is refused");
    assertEquals(200, api.put(r.get("url").asText(), new byte[100], "text/plain").statusCode());
    JobApi.Response done = api.complete(r.get("uploadId").asText(), List.of());
    assertEquals(200, done.status(), done.body());
    assertEquals(100, done.json().get("size").asLong());
  }

  @Test
  void uploadContractErrors() {
    assertEquals(400, api.post("/v1/uploads", Map.of("filename", "a", "contentType", "image/png", "size", 0)).status());
    assertEquals(400, api.post("/v1/uploads", Map.of("filename", "a", "contentType", "not a type", "size", 10)).status());
    assertEquals(400, api.post("/v1/uploads", Map.of("contentType", "image/png", "size", 10)).status());
    assertEquals(413, api.post("/v1/uploads", Map.of("filename", "a", "contentType", "image/png", "size", 6L << 30)).status());
    assertEquals(404, api.post("/v1/uploads/forged.token/parts", Map.of("partNumbers", List.of(1))).status());
    JsonNode multi = api.post("/v1/uploads", Map.of("filename", "m.bin", "contentType", "application/octet-stream", "size", 20 * MIB)).json();
    String id = multi.get("uploadId").asText();
    assertEquals(400, api.post("/v1/uploads/" + id + "/parts", Map.of("partNumbers", List.of(0))).status());
    assertEquals(400, api.post("/v1/uploads/" + id + "/parts", Map.of("partNumbers", List.of(3))).status());
    JobApi.Response incomplete = api.complete(id, List.of(JobApi.JSON.createObjectNode().put("partNumber", 1).put("etag", "\"x\"")));
    assertEquals(400, incomplete.status(), incomplete.body());
    // A tampered id (one character of the signed payload changed) is refused like an unknown one.
    String tampered = (id.charAt(5) == 'A' ? id.substring(0, 5) + "B" : id.substring(0, 5) + "A") + id.substring(6);
    assertEquals(404, api.post("/v1/uploads/" + tampered + "/parts", Map.of("partNumbers", List.of(1))).status());
    assertEquals(204, api.delete("/v1/uploads/" + id).status());
  }

  @Test
  void anAbortedUploadIsGoneFromStorage() throws Exception {
    byte[] bytes = new byte[(int) (20 * MIB)];
    new java.util.Random(9).nextBytes(bytes);
    JsonNode multi = api.post("/v1/uploads", Map.of("filename", "abort.bin", "contentType", "application/octet-stream",
        "size", bytes.length)).json();
    List<com.fasterxml.jackson.databind.node.ObjectNode> parts = api.uploadParts(multi, bytes);
    String id = multi.get("uploadId").asText();
    assertEquals(204, api.delete("/v1/uploads/" + id).status());
    JobApi.Response late = api.complete(id, parts);
    assertTrue(late.status() >= 400 && late.status() < 500, "completing an aborted upload: " + late.status() + " " + late.body());
    S3Uri input = S3Uri.parse(multi.get("input").asText()).orElseThrow();
    assertTrue(node.services.storage().objects().head(input).isEmpty(), "no object from an aborted upload");
  }

  @Test
  void urlsExpireAfterTheConfiguredTime() {
    JsonNode single = api.post("/v1/uploads", Map.of("filename", "t.png", "contentType", "image/png", "size", 10)).json();
    java.time.Instant expires = java.time.Instant.parse(single.get("expiresAt").asText());
    java.time.Duration left = java.time.Duration.between(java.time.Instant.now(), expires);
    assertTrue(left.compareTo(java.time.Duration.ofMinutes(14)) > 0 && left.compareTo(java.time.Duration.ofMinutes(16)) < 0,
        "default URL lifetime is 15 minutes: " + single);
  }

  @Test
  void browsersMayPutFromAnyOrigin() throws Exception {
    JsonNode r = api.post("/v1/uploads", Map.of("filename", "b.png", "contentType", "image/png", "size", 10)).json();
    HttpResponse<String> preflight = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(r.get("url").asText()))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "PUT")
        .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, preflight.statusCode());
    assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("PUT"));
  }

  private static long edgeBodyBytes() {
    for (String line : api.get("/metrics").body().split("\n"))
      if (line.startsWith("inferencia_edge_request_body_bytes_total ")) return (long) Double.parseDouble(line.split(" ")[1].trim());
    throw new AssertionError("no request body counter in /metrics");
  }
}

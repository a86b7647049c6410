package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.node.testkit.LocalClient;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import io.inferencia.protocols.grpc.ServerLiveRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged cluster-node.jar, started as a user starts it, answering over real sockets. */
class NodeJarIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static NodeProcess node;

  /** With the README's JVM options (cluster-node/jvm.options): the heap sized for serving, not a test's. */
  @BeforeAll
  static void startNode() throws Exception {
    Path root = JAR.toAbsolutePath().getParent().getParent().getParent();
    node = NodeProcess.startWithJvmOptions(JAR, REPO, Files.createTempDirectory("node-it"), Map.of(),
        NodeProcess.shippedJvmOptions(root));
  }

  @AfterAll
  static void stopNode() throws Exception {
    // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks (Pekko's coordinated shutdown) and exited.
    if (node != null) assertEquals(143, node.terminate(), "a SIGTERM'd node runs coordinated shutdown and exits");
  }

  /** Pekko Management: /alive, /ready (membership plus the node's own checks) and the cluster's members. */
  @Test
  void managementReportsTheNodeAliveReadyAndUp() throws Exception {
    for (String path : new String[] {"/alive", "/ready"}) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + node.managementPort + path)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), path + ": " + r.body());
    }
    HttpResponse<String> members = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.managementPort + "/cluster/members")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, members.statusCode(), members.body());
    JsonNode up = JSON.readTree(members.body()).get("members").get(0);
    assertEquals("Up", up.get("status").asText(), members.body());
    assertTrue(up.get("roles").toString().contains("gpu"), members.body());
  }

  @Test
  void everyShippedModelIsReady() throws Exception {
    HttpResponse<String> r = post("/v2/repository/index", "{}");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode index = JSON.readTree(r.body());
    for (String model : new String[] {"ocr_det", "ocr_rec", "ocr_cls", "vad", "ocr", "vad_segments", "vad_stream",
        "stego_encode", "stego_decode"}) {
      boolean ready = false;
      for (JsonNode m : index) ready |= m.get("name").asText().equals(model) && m.get("state").asText().equals("READY");
      assertTrue(ready, model + " is READY in " + r.body());
    }
  }

  @Test
  void ocrOverRestBinaryExtensionReadsRenderedText() throws Exception {
    byte[] png = Samples.renderPng("Hello World 2024");
    byte[] raw = Samples.bytesElement(png);
    String header = "{\"inputs\":[{\"name\":\"IMAGE\",\"shape\":[1],\"datatype\":\"BYTES\","
        + "\"parameters\":{\"binary_data_size\":" + raw.length + "}}],"
        + "\"outputs\":[{\"name\":\"TEXT\",\"parameters\":{\"binary_data\":false}}]}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    byte[] body = ByteBuffer.allocate(h.length + raw.length).put(h).put(raw).array();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/v2/models/ocr/infer"))
        .header("Content-Type", "application/octet-stream")
        .header("Inference-Header-Content-Length", Integer.toString(h.length))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode text = JSON.readTree(r.body()).get("outputs").get(0);
    assertEquals("TEXT", text.get("name").asText());
    assertEquals("Hello World 2024", text.get("data").get(0).asText());
  }

  /**
   * A 40-megapixel grey page (within the OCR limit) needs 280 MB of heap to decode and convert: more
   * than the shipped heap lends to images. It is refused with 429 and a reason before any pixel is
   * decoded, where an OutOfMemoryError would stop the node; the node then serves the next page.
   */
  @Test
  void aPageTheHeapCannotHoldIsRefusedAndTheNodeServesOn() throws Exception {
    java.awt.image.BufferedImage grey = new java.awt.image.BufferedImage(8000, 5000, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(grey, "png", png);
    HttpResponse<String> refused = ocrJson(png.toByteArray());
    assertEquals(429, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("8000x5000") && refused.body().contains("-Xmx"), refused.body());
    HttpResponse<String> next = ocrJson(Samples.renderPng("Hello World 2024"));
    assertEquals(200, next.statusCode(), next.body());
    assertTrue(next.body().contains("Hello World 2024"), next.body());
  }

  private static HttpResponse<String> ocrJson(byte[] png) throws Exception {
    byte[] raw = Samples.bytesElement(png);
    String header = "{\"inputs\":[{\"name\":\"IMAGE\",\"shape\":[1],\"datatype\":\"BYTES\","
        + "\"parameters\":{\"binary_data_size\":" + raw.length + "}}],"
        + "\"outputs\":[{\"name\":\"TEXT\",\"parameters\":{\"binary_data\":false}}]}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return HTTP.send(HttpRequest.newBuilder(uri("/v2/models/ocr/infer"))
        .header("Content-Type", "application/octet-stream")
        .header("Inference-Header-Content-Length", Integer.toString(h.length))
        .POST(HttpRequest.BodyPublishers.ofByteArray(ByteBuffer.allocate(h.length + raw.length).put(h).put(raw).array())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void ocrOverGrpcReadsRenderedText() throws Exception {
    ActorSystem<Void> client = ActorSystem.create(Behaviors.empty(), "it-client", LocalClient.config());
    try {
      GRPCInferenceServiceClient grpc = GRPCInferenceServiceClient.create(
          GrpcClientSettings.connectToServiceAt("127.0.0.1", node.grpcPort, client).withTls(false), client);
      assertTrue(grpc.serverLive(ServerLiveRequest.getDefaultInstance()).toCompletableFuture()
          .get(30, TimeUnit.SECONDS).getLive());
      byte[] png = Samples.renderPng("INVOICE 12345");
      ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("ocr")
          .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("IMAGE").setDatatype("BYTES").addShape(1))
          .addRawInputContents(ByteString.copyFrom(Samples.bytesElement(png)))
          .build();
      ModelInferResponse resp = grpc.modelInfer(req).toCompletableFuture().get(60, TimeUnit.SECONDS);
      int textIndex = -1;
      for (int i = 0; i < resp.getOutputsCount(); i++) if (resp.getOutputs(i).getName().equals("TEXT")) textIndex = i;
      assertNotEquals(-1, textIndex, "TEXT output present");
      ByteBuffer text = resp.getRawOutputContents(textIndex).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      byte[] first = new byte[text.getInt()];
      text.get(first);
      assertEquals("INVOICE 12345", new String(first, StandardCharsets.UTF_8));
    } finally {
      client.terminate();
    }
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + node.httpPort + path);
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

}

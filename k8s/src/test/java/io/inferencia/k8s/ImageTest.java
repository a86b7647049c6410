package io.inferencia.k8s;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The node's image as Jib built it (cluster-node/target/jib-image.tar, {@code mvn -Pimage}): unpacked
 * layer by layer into a root filesystem, and its entrypoint started there as the image says (its user,
 * environment and working directory) in a chroot with its own mount and pid namespaces, since no
 * container runtime runs on these machines. It must get ready, read a rendered line of text through the
 * OCR pipeline, and answer Pekko Management's {@code /ready}. The models must sit in a layer of their own.
 */
class ImageTest {
  private static final Path IMAGE = Path.of(System.getProperty("image.tar"));

  @Test
  void theImageServesOcrFromItsEntrypoint() throws Exception {
    assertTrue(Files.isRegularFile(IMAGE), "the image is built first: mvn -Pimage package (" + IMAGE + ")");
    Path work = Files.createTempDirectory("image-test");
    UnpackedImage image = UnpackedImage.unpack(IMAGE, work);
    try {
      assertTrue(image.ociLayout(), "an OCI image: the tarball is an OCI image layout (index.json, blobs)");
      assertEquals("65532:65532", image.user(), "the node runs as a non-root user");
      assertTrue(image.environment().getOrDefault("JAVA_TOOL_OPTIONS", "").contains("MaxRAMPercentage"),
          "container-aware heap: " + image.environment());
      assertEquals("/app/model_repository", image.environment().get("MODEL_REPOSITORY"));
      assertTrue(image.config().get("ExposedPorts").has("8080/tcp") && image.config().get("ExposedPorts").has("8558/tcp"));
      String layers = modelsHaveALayerOfTheirOwn(work, image);

      int http = freePort(), grpc = freePort(), management = freePort();
      Map<String, String> env = new java.util.LinkedHashMap<>(image.environment());
      env.putAll(Map.of("HTTP_PORT", Integer.toString(http), "GRPC_PORT", Integer.toString(grpc),
          "MANAGEMENT_PORT", Integer.toString(management), "REMOTE_PORT", Integer.toString(freePort()),
          "S3_PORT", Integer.toString(freePort()), "INFERENCE_CPU_CORES", "1"));
      Path log = work.resolve("node.log");
      Process node = start(image, env, log);
      try {
        HttpClient client = HttpClient.newHttpClient();
        long begun = System.nanoTime();
        try {
          await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            if (!node.isAlive()) throw new AssertionError("the entrypoint exited:\n" + Files.readString(log));
            return get(client, http, "/v2/health/ready") == 200;
          });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError("the image's node never got ready:\n" + Files.readString(log), e);
        }
        double ready = (System.nanoTime() - begun) / 1e9;
        assertEquals(200, get(client, management, "/ready"), "Pekko Management's readiness");
        assertEquals(200, get(client, management, "/alive"));
        String texts = ocr(client, http, "INFERENCIA 2026");
        assertTrue(texts.contains("INFERENCIA") && texts.contains("2026"), "OCR through the image: " + texts);
        System.out.printf("image %s (%d MB): %s; its entrypoint ready in %.1f s, OCR read %s%n", IMAGE.getFileName(),
            Files.size(IMAGE) >> 20, layers, ready, texts);
      } finally {
        node.destroy();
        if (!node.waitFor(60, TimeUnit.SECONDS)) node.destroyForcibly().waitFor();
      }
    } finally {
      UnpackedImage.run("rm", "-rf", work.toString());
    }
  }

  /** Which layer holds what; fails unless the models are in one layer with no code, and the code layers hold no model. */
  private static String modelsHaveALayerOfTheirOwn(Path work, UnpackedImage image) throws Exception {
    Path dir = work.resolve("image");
    List<String> summary = new ArrayList<>();
    int modelLayers = 0;
    for (int i = 0; i < image.layers().size(); i++) {
      Process list = new ProcessBuilder("tar", "-tzf", dir.resolve(image.layers().get(i)).toString()).start();
      List<String> entries = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      list.waitFor();
      boolean models = entries.stream().anyMatch(e -> e.contains("app/model_repository/") && e.endsWith(".onnx"));
      boolean code = entries.stream().anyMatch(e -> e.contains("app/") && (e.endsWith(".jar") || e.endsWith(".class")));
      boolean base = entries.stream().anyMatch(e -> e.contains("usr/lib/jvm/"));
      if (models) {
        modelLayers++;
        assertTrue(!code, "the models' layer holds no code, so a code change does not re-ship it");
      }
      summary.add((models ? "models " : code ? "code " : base ? "base (JRE) " : "other ") + (image.layerBytes().get(i) >> 20) + " MB");
    }
    assertEquals(1, modelLayers, "the shipped models sit in one layer: " + summary);
    return summary.size() + " layers " + summary;
  }

  /**
   * The entrypoint in the unpacked root filesystem: new mount and pid namespaces (killed with the
   * test's process), /proc, /sys and /dev mounted there, then chroot as the image's user into its
   * working directory with exactly the image's environment plus the test's ports.
   */
  private static Process start(UnpackedImage image, Map<String, String> env, Path log) throws IOException {
    String script = "R=\"$1\"; W=\"$2\"; U=\"$3\"; shift 3\n"
        + "mount --make-rprivate / && mount -t proc proc \"$R/proc\" && mount --rbind /sys \"$R/sys\""
        + " && mount --rbind /dev \"$R/dev\" || exit 70\n"
        + "exec chroot --userspec=\"$U\" \"$R\" /usr/bin/env -C \"$W\" \"$@\"\n";
    List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child",
        "sh", "-c", script, "entrypoint", image.rootfs().toString(), image.workingDir(), image.user()));
    command.addAll(image.command());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb.start();
  }

  /** KServe v2 binary request to the ocr pipeline with a rendered PNG; returns the texts it read. */
  private static String ocr(HttpClient client, int port, String text) throws Exception {
    byte[] png = render(text);
    ByteBuffer tensor = ByteBuffer.allocate(4 + png.length).order(ByteOrder.LITTLE_ENDIAN).putInt(png.length).put(png);
    String header = "{\"inputs\":[{\"name\":\"IMAGE\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":"
        + tensor.capacity() + "}}],\"outputs\":[{\"name\":\"TEXT\"}]}";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(header.getBytes(StandardCharsets.UTF_8));
    body.write(tensor.array());
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/ocr/infer"))
        .header("Inference-Header-Content-Length", Integer.toString(header.length()))
        .header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  private static byte[] render(String text) throws IOException {
    BufferedImage img = new BufferedImage(640, 90, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 40));
    g.drawString(text, 20, 60);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static int get(HttpClient client, int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

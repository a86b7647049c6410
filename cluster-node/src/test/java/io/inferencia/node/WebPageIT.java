package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.testkit.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web page the node serves at {@code /}, driven in Debian's Chromium by playwright-core
 * ({@code web/e2e/run.mjs}) against the packaged node: a secret recorded with Chromium's fake
 * microphone (playing a WAV made with espeak-ng) is encoded into a cover made with sox while the
 * network is cut mid-upload, the upload resumes after a reload, the encoded WAV is downloaded and
 * decoded in the page back to the recording, byte for byte; a wrong key reads as a sentence; OCR and
 * VAD run on the same job flow. The node has API keys; the page sends the one typed into its field.
 * Screenshots land in {@code target/web-e2e/}.
 */
class WebPageIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));
  private static final Path WEB = Path.of(System.getProperty("web.dir", "../web")).toAbsolutePath().normalize();
  private static final Path OUT = Path.of("target", "web-e2e").toAbsolutePath();
  private static final String API_KEY = "key-for-the-web-page";

  @Test
  void encodeWithARecordingResumeAfterACutDecodeOcrAndVadInChromium() throws Exception {
    Files.createDirectories(OUT);
    Path voice = OUT.resolve("voice.wav");
    Path cover = OUT.resolve("cover.wav");
    Path image = OUT.resolve("text.png");
    run(List.of("espeak-ng", "-w", voice.toString(), "the secret is in the music"));
    run(List.of("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", cover.toString(), "synth", "180", "pinknoise", "vol", "0.3"));
    Files.write(image, Samples.renderPng("INFERENCIA 2026"));

    // With API keys: the page sends the key typed into its field (kept in session storage across reloads).
    Map<String, String> env = Map.of("UPLOAD_SINGLE_PUT_MAX", "1MiB", "UPLOAD_PART_SIZE", "5MiB", "API_KEYS", API_KEY + ":web");
    try (NodeProcess node = NodeProcess.start(JAR, REPO, Files.createTempDirectory("web-it"), env)) {
      String base = "http://127.0.0.1:" + node.httpPort;
      HttpResponse<String> index = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, index.statusCode(), "the node serves the page at /, with no key");
      HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(base + "/v1/jobs")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, anonymous.statusCode(), "the API itself needs the key");
      assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));

      ProcessBuilder pb = new ProcessBuilder("node", "e2e/run.mjs").directory(WEB.toFile())
          .redirectErrorStream(true).redirectOutput(OUT.resolve("e2e.log").toFile());
      pb.environment().putAll(Map.of("BASE_URL", base, "COVER", cover.toString(), "VOICE", voice.toString(),
          "OCR_IMAGE", image.toString(), "SHOTS", OUT.resolve("screenshots").toString(), "API_KEY", API_KEY));
      Process e2e = pb.start();
      assertTrue(e2e.waitFor(8, TimeUnit.MINUTES), "the browser run did not finish in 8 minutes");
      String log = Files.readString(OUT.resolve("e2e.log"));
      String last = log.strip().lines().reduce((a, b) -> b).orElse("");
      assertTrue(last.startsWith("{"), "no findings from the browser run:\n" + log + "\nnode:\n" + tail(node.output()));
      JsonNode f = new ObjectMapper().readTree(last);
      assertTrue(f.path("ok").asBoolean(), "the browser run failed: " + f.toPrettyString() + "\nnode:\n" + tail(node.output()));

      assertTrue(f.get("stoppedStatus").asText().toLowerCase().contains("stopped"), f.toString());
      assertTrue(f.get("resumeOffer").asText().toLowerCase().contains("resume"), f.toString());
      assertTrue(f.get("encodedDisposition").asText().startsWith("attachment"), f.toString());
      assertEquals(Files.size(cover), f.get("encodedBytes").asLong(), "the encoded WAV is the cover's size");
      assertEquals(f.get("recordedSha256").asText(), f.get("recoveredSha256").asText(),
          "the recording comes back byte for byte");
      assertTrue(f.get("recoveredAudioPlays").asBoolean(), f.toString());
      assertTrue(f.get("wrongKeyError").asText().toLowerCase().contains("key"), f.toString());
      assertTrue(f.get("ocrText").asText().contains("INFERENCIA"), f.toString());
      assertTrue(f.get("vadSegments").asText().contains("s"), f.toString());
      for (String shot : List.of("1-upload-stopped", "2-encoded", "3-decoded", "4-wrong-key", "5-ocr", "6-vad"))
        assertTrue(Files.size(OUT.resolve("screenshots").resolve(shot + ".png")) > 5_000, shot);
    }
  }

  /** A tool the test needs (.ci/run installs espeak-ng, sox and chromium); missing, it fails loudly. */
  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, command + " failed:\n" + out);
  }

  private static String tail(String log) {
    return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
  }
}

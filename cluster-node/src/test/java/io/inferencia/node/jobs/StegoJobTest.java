package io.inferencia.node.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.gpu.testkit.TestWavs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * stego.encode and stego.decode through the whole job flow: uploads straight to storage, submission by
 * reference, the generated models on the inference core, a multipart result object, its download as an
 * attachment, and sox reading the encoded file.
 */
class StegoJobTest {
  private static final Duration FINISH = Duration.ofSeconds(120);
  private static InProcessNode node;
  private static JobApi api;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void node() throws Exception {
    node = OpenNode.get();
    api = new JobApi(node.http(), null);
  }

  @Test
  void anUploadedSecretGoesInAndComesBackByteForByte() throws Exception {
    // 20 MB of stereo cover: 39 chunks through the model and a result of three 8 MiB parts.
    byte[] cover = TestWavs.noise(2, 10_000_000, 11, true);
    byte[] secret = TestWavs.noise(1, 50_000, 12, false); // a recorded WAV, say
    String coverUri = api.upload("cover.wav", "audio/wav", cover);
    String secretUri = api.upload("secret.wav", "audio/wav", secret);

    JsonNode encoded = succeeded(api.submit("stego.encode", coverUri, Map.of("secret", secretUri, "key", "correct horse"), key()));
    String wavUri = encoded.at("/output/uri").asText();
    // The stages overlap; each has a busy time of its own.
    assertTrue(encoded.at("/timings/downloadMs").asDouble() > 0 && encoded.at("/timings/inferenceMs").asDouble() > 0
        && encoded.at("/timings/uploadMs").asDouble() > 0, encoded.toString());
    assertTrue(wavUri.matches("s3://results/[0-9a-f-]+\\.wav"), wavUri);
    HttpResponse<byte[]> download = get(encoded.at("/output/url").asText());
    assertEquals(200, download.statusCode());
    assertTrue(download.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"),
        "served as an attachment: " + download.headers().map());
    byte[] stego = download.body();
    assertEquals(cover.length, stego.length);
    int data = TestWavs.dataOffset(cover);
    assertArrayEquals(Arrays.copyOf(cover, data), Arrays.copyOf(stego, data), "the header is the cover's");
    int changed = 0;
    for (int i = data; i + 1 < data + 20_000_000; i += 2) {
      int xor = ((cover[i] & 0xFF) | (cover[i + 1] << 8)) ^ ((stego[i] & 0xFF) | (stego[i + 1] << 8));
      assertTrue(xor <= 1, "sample at byte " + i + " changed above its least significant bit");
      changed += xor;
    }
    assertTrue(changed > 0);
    assertSoxReads(stego, 2, 10_000_000 / 2);
    List<JobApi.Event> progress = api.follow(encoded.get("jobId").asText(), Optional.empty()).stream()
        .filter(e -> e.data().path("event").asText().equals("Progress")).toList();
    assertFalse(progress.isEmpty(), "the encode reported its progress over SSE");
    for (JobApi.Event e : progress) {
      long done = e.data().at("/progress/bytesDone").asLong();
      assertTrue(done > 0 && done <= cover.length && e.data().at("/progress/bytesTotal").asLong() == cover.length, e.data().toString());
    }

    String stegoUri = api.upload("stego.wav", "audio/wav", stego);
    JsonNode decoded = succeeded(api.submit("stego.decode", stegoUri, Map.of("key", "correct horse"), key()));
    assertTrue(decoded.at("/output/uri").asText().endsWith(".wav"), decoded.toString());
    HttpResponse<byte[]> recovered = get(decoded.at("/output/url").asText());
    assertEquals("audio/wav", recovered.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(secret, recovered.body(), "the recovered secret is the uploaded one, byte for byte");
  }

  @Test
  void anInlineTextWithTheDeploymentsKey() throws Exception {
    String coverUri = api.upload("small.wav", "audio/wav", TestWavs.noise(1, 300_000, 13, false));
    JsonNode encoded = succeeded(api.submit("stego.encode", coverUri, Map.of("secret_text", "the eagle lands at dawn"), key()));
    String stegoUri = api.upload("small-stego.wav", "audio/wav", get(encoded.at("/output/url").asText()).body());

    JsonNode decoded = succeeded(api.submit("stego.decode", stegoUri, null, key()));
    HttpResponse<byte[]> text = get(decoded.at("/output/url").asText());
    assertEquals("text/plain;charset=utf-8", text.headers().firstValue("Content-Type").orElse("").replace(" ", ""));
    assertEquals("the eagle lands at dawn", new String(text.body(), StandardCharsets.UTF_8));

    JsonNode wrongKey = api.awaitFinished(api.submit("stego.decode", stegoUri, Map.of("key", "guess"), key()).json()
        .get("jobId").asText(), FINISH);
    assertEquals("FAILED", wrongKey.get("status").asText(), wrongKey.toString());
    assertTrue(wrongKey.get("error").asText().contains("no payload found"), wrongKey.toString());
  }

  @Test
  void aSecretTheCoverCannotHoldIs422WithTheNumbers() {
    String coverUri = api.upload("tiny.wav", "audio/wav", TestWavs.noise(1, 10_000, 14, false));
    JobApi.Response r = api.submit("stego.encode", coverUri, Map.of("secret_text", "x".repeat(3_000)), key());
    assertEquals(422, r.status(), r.body());
    assertEquals("application/problem+json", r.headers().get("content-type").get(0));
    assertTrue(r.json().get("detail").asText().contains("samples carry at most 1201 bytes of payload"), r.body());
  }

  @Test
  void coversTheTasksCannotTakeAre422BeforeAnyWork() {
    String eightBit = api.upload("8bit.wav", "audio/wav", TestWavs.wav(1, 8, new byte[20_000], false));
    assertProblem(api.submit("stego.encode", eightBit, Map.of("secret_text", "x"), key()), 422, "only 16-bit PCM");

    byte[] cover = TestWavs.noise(1, 20_000, 15, false);
    String cut = api.upload("cut.wav", "audio/wav", Arrays.copyOf(cover, cover.length - 10_000));
    assertProblem(api.submit("stego.encode", cut, Map.of("secret_text", "x"), key()), 422, "lying header");
    assertProblem(api.submit("stego.decode", cut, null, key()), 422, "lying header");

    String notWav = api.upload("notes.wav", "audio/wav", "these are not samples".getBytes(StandardCharsets.UTF_8));
    assertProblem(api.submit("stego.decode", notWav, null, key()), 422, "not a RIFF/WAVE file");
  }

  @Test
  void theSecretMustBeOneTextOrOneUploadOfYourOwn() {
    String coverUri = api.upload("c.wav", "audio/wav", TestWavs.noise(1, 20_000, 16, false));
    assertProblem(api.submit("stego.encode", coverUri, null, key()), 400, "exactly one of");
    assertProblem(api.submit("stego.encode", coverUri, Map.of("secret_text", "a", "secret", coverUri), key()), 400, "exactly one of");
    assertProblem(api.submit("stego.encode", coverUri, Map.of("secret_text", "y".repeat(5_000)), key()), 400, "over 4096");
    assertProblem(api.submit("stego.encode", coverUri, Map.of("secret", "s3://intake/someone-else/s.wav"), key()), 403,
        "not one of your uploads");
    assertProblem(api.submit("stego.encode", coverUri, Map.of("secret", "s3://intake/default/none.wav"), key()), 404,
        "does not exist");
  }

  private static void assertProblem(JobApi.Response r, int status, String detail) {
    assertEquals(status, r.status(), r.body());
    assertTrue(r.json().get("detail").asText().contains(detail), r.body());
  }

  private static JsonNode succeeded(JobApi.Response submitted) throws InterruptedException {
    assertEquals(202, submitted.status(), submitted.body());
    JsonNode job = api.awaitFinished(submitted.json().get("jobId").asText(), FINISH);
    assertEquals("SUCCEEDED", job.get("status").asText(), job.toString());
    return job;
  }

  private static HttpResponse<byte[]> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** sox must find a valid header: the channels and sample count of the cover. */
  private static void assertSoxReads(byte[] wav, int channels, long frames) throws Exception {
    Path file = Files.createTempFile("stego", ".wav");
    Files.write(file, wav);
    Process sox = new ProcessBuilder("soxi", file.toString()).redirectErrorStream(true).start();
    String out = new String(sox.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(sox.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, sox.exitValue(), "soxi failed (is sox installed? .ci/run installs it):\n" + out);
    assertTrue(out.contains("Channels       : " + channels), out);
    assertTrue(out.contains(frames + " samples"), out);
    Files.delete(file);
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }
}

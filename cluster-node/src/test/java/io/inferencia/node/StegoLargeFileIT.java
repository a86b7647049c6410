package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.NodeProcess;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The seed's large-file case on the packaged node with a 256 MiB heap: a 500 MB cover is uploaded in
 * parts, encoded with a 1 MiB secret into a 500 MB result written by multipart upload, downloaded,
 * uploaded again and decoded back to the secret, byte for byte. Nothing holds a whole file.
 */
class StegoLargeFileIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));
  private static final long COVER_BYTES = 500_000_000L;
  private static final int HEADER = 44;

  @Test
  void a500MbCoverOnA256MibHeap() throws Exception {
    Path dir = Files.createTempDirectory("stego-large");
    Path cover = dir.resolve("cover.wav");
    Path encoded = dir.resolve("encoded.wav");
    try {
      writeNoiseWav(cover);
      byte[] secret = new byte[1 << 20];
      new Random(21).nextBytes(secret);
      try (NodeProcess node = NodeProcess.start(JAR, REPO, Files.createTempDirectory("stego-large-node"), Map.of(), "-Xmx256m")) {
        JobApi api = new JobApi("http://127.0.0.1:" + node.httpPort, null);
        String secretUri = api.upload("secret.bin", "application/octet-stream", secret);

        long t0 = System.nanoTime();
        String coverUri = api.uploadFile("cover.wav", "audio/wav", cover);
        long t1 = System.nanoTime();
        JsonNode encodeJob = finished(api, api.submit("stego.encode", coverUri, Map.of("secret", secretUri, "key", "k-500"), null),
            node);
        long t2 = System.nanoTime();
        HttpResponse<Path> download = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(encodeJob.at("/output/url").asText())).build(),
            HttpResponse.BodyHandlers.ofFile(encoded));
        assertEquals(200, download.statusCode());
        long t3 = System.nanoTime();
        assertOnlyLeastSignificantBitsDiffer(cover, encoded);

        String encodedUri = api.uploadFile("encoded.wav", "audio/wav", encoded);
        long t4 = System.nanoTime();
        JsonNode decodeJob = finished(api, api.submit("stego.decode", encodedUri, Map.of("key", "k-500"), null), node);
        long t5 = System.nanoTime();
        assertArrayEquals(secret, api.download(decodeJob.at("/output/url").asText()), "the secret, byte for byte");

        assertFalse(node.output().contains("OutOfMemoryError"), tail(node.output()));
        System.out.printf("StegoLargeFileIT: upload %.1f s, encode %.1f s (%.0f MB/s), download %.1f s, decode %.1f s%n",
            s(t1 - t0), s(t2 - t1), COVER_BYTES / 1e6 / s(t2 - t1), s(t3 - t2), s(t5 - t4));
      }
    } finally {
      Files.deleteIfExists(cover);
      Files.deleteIfExists(encoded);
    }
  }

  private static JsonNode finished(JobApi api, JobApi.Response submitted, NodeProcess node) throws Exception {
    assertEquals(202, submitted.status(), submitted.body());
    JsonNode job = api.awaitFinished(submitted.json().get("jobId").asText(), Duration.ofMinutes(4));
    assertEquals("SUCCEEDED", job.get("status").asText(), job + "\n" + tail(node.output()));
    return job;
  }

  /** Same length, same header, and no sample changed above its least significant bit; some changed. */
  private static void assertOnlyLeastSignificantBitsDiffer(Path cover, Path encoded) throws IOException {
    assertEquals(Files.size(cover), Files.size(encoded));
    long changed = 0;
    try (InputStream a = new BufferedInputStream(Files.newInputStream(cover), 1 << 20);
        InputStream b = new BufferedInputStream(Files.newInputStream(encoded), 1 << 20)) {
      assertArrayEquals(a.readNBytes(HEADER), b.readNBytes(HEADER), "the header is the cover's");
      byte[] x = new byte[1 << 20];
      byte[] y = new byte[1 << 20];
      int n;
      while ((n = a.readNBytes(x, 0, x.length)) > 0) {
        assertEquals(n, b.readNBytes(y, 0, n));
        for (int i = 0; i + 1 < n; i += 2) {
          int xor = ((x[i] & 0xFF) | (x[i + 1] << 8)) ^ ((y[i] & 0xFF) | (y[i + 1] << 8));
          if (xor > 1) throw new AssertionError("a sample changed above its least significant bit");
          changed += xor;
        }
      }
    }
    // About half of the frame's 8.4 million bits needed a change.
    assertTrue(changed > 3_000_000 && changed < 5_500_000, changed + " samples changed");
  }

  /** A 16-bit stereo 44.1 kHz WAV of noise, COVER_BYTES long. */
  private static void writeNoiseWav(Path file) throws IOException {
    long data = COVER_BYTES - HEADER;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      h.put("RIFF".getBytes()).putInt((int) (36 + data)).put("WAVE".getBytes());
      h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 2).putInt(44_100)
          .putInt(44_100 * 4).putShort((short) 4).putShort((short) 16);
      h.put("data".getBytes()).putInt((int) data);
      out.write(h.array());
      SplittableRandom random = new SplittableRandom(22);
      ByteBuffer block = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (long written = 0; written < data; ) {
        block.clear();
        while (block.remaining() >= 8) block.putLong(random.nextLong());
        int n = (int) Math.min(block.capacity() - block.remaining(), data - written);
        out.write(block.array(), 0, n);
        written += n;
      }
    }
  }

  private static double s(long nanos) {
    return nanos / 1e9;
  }

  private static String tail(String log) {
    return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
  }
}

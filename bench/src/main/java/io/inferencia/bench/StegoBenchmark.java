package io.inferencia.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.NodeProcess;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * stego.encode throughput on the packaged node: for each cover size, MB/s of cover from submission to
 * the published result, the node's peak RSS and peak heap in use while it ran, and the encode job's own
 * stage times (blocked in S3 reads, in model calls, in S3 part uploads; they overlap). The baseline, in
 * the same run: one GET of the result (as large as the cover) from the node's storage through its
 * pre-signed URL, moving the same bytes with no work.
 *
 * <p>Usage: StegoBenchmark [--sizes-mb 50,500] [--heap 256m] [--secret-kb 1024] [--root checkout]
 */
public final class StegoBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StegoBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchArgs.parse(args);
    int[] sizesMb = BenchArgs.ints(o.getOrDefault("sizes-mb", "50,500"));
    String heap = o.getOrDefault("heap", "256m");
    int secretKb = Integer.parseInt(o.getOrDefault("secret-kb", "1024"));
    Path root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath().normalize();
    Path jar = root.resolve("cluster-node/target/cluster-node.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("build the node first: " + jar + " is missing");

    Path dir = Files.createTempDirectory("bench-stego");
    try (NodeProcess node = NodeProcess.start(jar, root.resolve("model_repository"), dir.resolve("node"), Map.of(), "-Xmx" + heap)) {
      JobApi api = new JobApi("http://127.0.0.1:" + node.httpPort, null);
      byte[] secret = new byte[secretKb * 1024];
      new Random(1).nextBytes(secret);
      String secretUri = api.upload("secret.bin", "application/octet-stream", secret);
      System.out.printf(Locale.ROOT, "stego.encode on the packaged node, -Xmx%s, %d KiB secret, %d cores%n", heap, secretKb,
          Runtime.getRuntime().availableProcessors());
      System.out.println("cover MB | encode s | encode MB/s | S3 GET MB/s (baseline) | ratio | peak RSS MB | peak heap MB"
          + " | S3 read s | model s | S3 write s | shares read/model/write | model compute s");
      for (int mb : sizesMb) {
        Path cover = dir.resolve("cover-" + mb + ".wav");
        writeNoiseWav(cover, mb * 1_000_000L);
        String input = api.uploadFile("cover.wav", "audio/wav", cover);
        Files.delete(cover);
        double computeBefore = computeSeconds(node);
        try (MemoryWatch memory = new MemoryWatch(node.handle().pid())) {
          long start = System.nanoTime();
          JobApi.Response submitted = api.submit("stego.encode", input, Map.of("secret", secretUri), null);
          if (submitted.status() != 202) throw new IllegalStateException("submit answered " + submitted.body());
          JsonNode job = api.awaitFinished(submitted.json().get("jobId").asText(), Duration.ofMinutes(10));
          double seconds = (System.nanoTime() - start) / 1e9;
          if (!job.get("status").asText().equals("SUCCEEDED")) throw new IllegalStateException("encode failed: " + job);
          double baseline = getRate(job.at("/output/url").asText(), mb);
          JsonNode t = job.get("timings");
          double read = t.get("downloadMs").asDouble() / 1000;
          double model = t.get("inferenceMs").asDouble() / 1000;
          double write = t.get("uploadMs").asDouble() / 1000;
          double busy = read + model + write;
          System.out.printf(Locale.ROOT,
              "%8d | %8.1f | %11.1f | %22.1f | %5.2f | %11.0f | %12.0f | %9.1f | %7.1f | %10.1f | %5.1f%% / %4.1f%% / %4.1f%% | %15.1f%n",
              mb, seconds, mb / seconds, baseline, (mb / seconds) / baseline, memory.peakRssMb(), memory.peakHeapMb(),
              read, model, write, 100 * read / busy, 100 * model / busy, 100 * write / busy, computeSeconds(node) - computeBefore);
        }
      }
    }
  }

  /** MB/s of one GET through a pre-signed URL: what moving the bytes costs with no work. */
  private static double getRate(String url, int mb) throws Exception {
    long start = System.nanoTime();
    HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    long bytes = 0;
    try (InputStream in = r.body()) {
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = in.read(buffer)) > 0; ) bytes += n;
    }
    if (r.statusCode() != 200 || bytes != mb * 1_000_000L) throw new IllegalStateException("GET answered " + r.statusCode());
    return mb / ((System.nanoTime() - start) / 1e9);
  }

  /** The stego_encode model's compute time so far (KServe statistics), in seconds. */
  private static double computeSeconds(NodeProcess node) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.httpPort + "/v2/models/stego_encode/stats")).build(), HttpResponse.BodyHandlers.ofString());
    double ns = 0;
    for (JsonNode m : JSON.readTree(r.body()).get("model_stats"))
      ns += m.at("/inference_stats/compute_infer/ns").asDouble();
    return ns / 1e9;
  }

  /** Samples the node's RSS (/proc) and heap in use (jstat) until closed; keeps the peaks. */
  private static final class MemoryWatch implements AutoCloseable {
    private final AtomicLong peakRssKb = new AtomicLong();
    private final AtomicLong peakHeapKb = new AtomicLong();
    private final Process jstat;
    private final java.util.concurrent.ScheduledExecutorService rss =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    private final Thread heap;

    MemoryWatch(long pid) throws IOException {
      jstat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(), "-gc", Long.toString(pid), "200")
          .redirectErrorStream(true).start();
      heap = new Thread(() -> readJstat(jstat.getInputStream()));
      Path status = Path.of("/proc", Long.toString(pid), "status");
      // Sampled every 100 ms by a scheduler rather than a sleeping loop.
      rss.scheduleAtFixedRate(() -> {
        try {
          for (String line : Files.readAllLines(status))
            if (line.startsWith("VmRSS:")) peakRssKb.accumulateAndGet(Long.parseLong(line.replaceAll("\\D", "")), Math::max);
        } catch (IOException e) {
          rss.shutdown(); // the node is gone
        }
      }, 0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
      heap.start();
    }

    /** Sums the used columns of jstat -gc (survivors, eden, old): the heap in use, in KB. */
    private void readJstat(InputStream out) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(out))) {
        String[] columns = null;
        for (String line; (line = in.readLine()) != null; ) {
          String[] f = line.trim().split("\\s+");
          if (f[0].equals("S0C")) {
            columns = f;
            continue;
          }
          if (columns == null || f.length != columns.length) continue;
          double used = 0;
          for (int i = 0; i < f.length; i++)
            if (columns[i].equals("S0U") || columns[i].equals("S1U") || columns[i].equals("EU") || columns[i].equals("OU"))
              used += Double.parseDouble(f[i]);
          peakHeapKb.accumulateAndGet((long) used, Math::max);
        }
      } catch (IOException | NumberFormatException ignored) {
        // jstat ended with the node
      }
    }

    double peakRssMb() {
      return peakRssKb.get() / 1024.0;
    }

    double peakHeapMb() {
      return peakHeapKb.get() / 1024.0;
    }

    @Override
    public void close() throws InterruptedException {
      rss.shutdownNow();
      jstat.destroy();
      rss.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      heap.join();
    }
  }

  /** A 16-bit stereo 44.1 kHz WAV of noise, {@code bytes} long. */
  static void writeNoiseWav(Path file, long bytes) throws IOException {
    long data = bytes - 44;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
      h.put("RIFF".getBytes()).putInt((int) (36 + data)).put("WAVE".getBytes());
      h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 2).putInt(44_100)
          .putInt(44_100 * 4).putShort((short) 4).putShort((short) 16);
      h.put("data".getBytes()).putInt((int) data);
      out.write(h.array());
      SplittableRandom random = new SplittableRandom(bytes);
      ByteBuffer block = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (long written = 0; written < data; ) {
        block.clear();
        while (block.remaining() >= 8) block.putLong(random.nextLong());
        int n = (int) Math.min(block.position(), data - written);
        out.write(block.array(), 0, n);
        written += n;
      }
    }
  }
}

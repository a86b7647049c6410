package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencia.node.conformance.Samples;
import io.inferencia.node.jobs.JobApi;
import io.inferencia.node.testkit.NodeProcess;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Inputs are streamed, not held: the packaged node runs with a 160 MiB heap and a 320 MiB WAV goes
 * through a vad job (upload in parts, streamed read, resampling, Silero) to the right segments.
 */
class NodeStreamingIT {
  private static final Path JAR = Path.of(System.getProperty("node.jar"));
  private static final Path REPO = Path.of(System.getProperty("model.repository"));
  private static final int RATE = 44_100;
  private static final int CHANNELS = 2;
  private static final long BYTES = 320L * 1024 * 1024;
  private static final int[] SPEECH_AT_SECONDS = {600, 1500};

  @Test
  void aWavTwiceTheSizeOfTheHeapRunsThroughVad() throws Exception {
    Path wav = Files.createTempFile("long-", ".wav");
    try {
      writeLongRecording(wav);
      try (NodeProcess node = NodeProcess.start(JAR, REPO, Files.createTempDirectory("streaming-it"), Map.of(), "-Xmx160m")) {
        JobApi api = new JobApi("http://127.0.0.1:" + node.httpPort, null);
        String input = api.uploadFile("long.wav", "audio/wav", wav);
        String id = api.submit("vad", input, null, null).json().get("jobId").asText();
        JsonNode done = api.awaitFinished(id, Duration.ofMinutes(6));
        assertEquals("SUCCEEDED", done.get("status").asText(), done + "\n" + tail(node.output()));
        JsonNode result = new ObjectMapper().readTree(api.download(done.get("output").get("url").asText())).get("result");
        // The recording's speech lies at about 1.5-4.6 s; every segment must fall in one of the two copies,
        // each copy must be found from its start, and only those two places hold speech.
        long[] firstStart = {-1, -1};
        long[] speechMs = {0, 0};
        for (JsonNode seg : result.get("segments")) {
          long start = seg.get("start_ms").asLong();
          long end = seg.get("end_ms").asLong();
          int copy = -1;
          for (int i = 0; i < SPEECH_AT_SECONDS.length; i++)
            if (start >= SPEECH_AT_SECONDS[i] * 1000L + 1000 && end <= SPEECH_AT_SECONDS[i] * 1000L + 5200) copy = i;
          assertTrue(copy >= 0, "segment " + seg + " is not where speech was laid in: " + result);
          if (firstStart[copy] < 0) firstStart[copy] = start;
          speechMs[copy] += end - start;
        }
        for (int i = 0; i < SPEECH_AT_SECONDS.length; i++) {
          long expected = SPEECH_AT_SECONDS[i] * 1000L + 1520;
          assertTrue(Math.abs(firstStart[i] - expected) < 300, "copy " + i + " found from " + firstStart[i] + " ms, expected ~" + expected);
          assertTrue(speechMs[i] > 2500, "copy " + i + ": only " + speechMs[i] + " ms of speech: " + result);
        }
        assertTrue(Math.abs(result.get("durationMs").asLong() - (BYTES - 44) * 1000 / (2L * CHANNELS * RATE)) < 50, result.toString());
        assertTrue(!node.output().contains("OutOfMemoryError"), tail(node.output()));
      }
    } finally {
      Files.deleteIfExists(wav);
    }
  }

  /**
   * 16-bit PCM, 44.1 kHz stereo: faint noise, with the committed speech recording (22.05 kHz mono,
   * each sample doubled in time and channel) laid in at the given seconds.
   */
  private static void writeLongRecording(Path file) throws IOException {
    short[] speech = pcm(Samples.speechWav());
    long frames = (BYTES - 44) / (2L * CHANNELS);
    short[] noise = new short[RATE];
    Random r = new Random(5);
    for (int i = 0; i < noise.length; i++) noise[i] = (short) (r.nextGaussian() * 30);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
      long data = frames * 2 * CHANNELS;
      h.put("RIFF".getBytes()).putInt((int) (36 + data)).put("WAVE".getBytes());
      h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) CHANNELS).putInt(RATE)
          .putInt(RATE * 2 * CHANNELS).putShort((short) (2 * CHANNELS)).putShort((short) 16);
      h.put("data".getBytes()).putInt((int) data);
      out.write(h.array());
      byte[] frame = new byte[4];
      for (long f = 0; f < frames; f++) {
        short s = noise[(int) (f % RATE)];
        for (int at : SPEECH_AT_SECONDS) {
          long offset = f - (long) at * RATE;
          if (offset >= 0 && offset / 2 < speech.length) s = speech[(int) (offset / 2)];
        }
        frame[0] = (byte) s;
        frame[1] = (byte) (s >> 8);
        frame[2] = (byte) s;
        frame[3] = (byte) (s >> 8);
        out.write(frame);
      }
    }
  }

  /** The samples of a 16-bit mono PCM WAV (its data chunk). */
  private static short[] pcm(byte[] wav) {
    ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    b.position(12);
    while (b.remaining() >= 8) {
      byte[] id = new byte[4];
      b.get(id);
      int size = b.getInt();
      if (new String(id).equals("data")) {
        short[] out = new short[size / 2];
        b.asShortBuffer().get(out);
        return out;
      }
      b.position(b.position() + size + (size & 1));
    }
    throw new IllegalArgumentException("no data chunk");
  }

  private static String tail(String log) {
    return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
  }
}

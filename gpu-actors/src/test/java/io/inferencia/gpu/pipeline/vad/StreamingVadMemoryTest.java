package io.inferencia.gpu.pipeline.vad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The bounded-memory claim: two hours of 16 kHz audio (230 MB of WAV, 460 MB as float samples) run
 * through {@link StreamingVad} in a JVM whose heap is limited to 64 MiB, so a stage that kept the
 * audio would fail with OutOfMemoryError. The child JVM ({@link LongRecordingRun}) also measures the
 * heap in use after a full collection at 10 %, 40 %, 70 % and 95 % of the input: it must grow by less
 * than 2 MiB while 195 MB more input goes through (it stays near 9 MiB; keeping even the 225,000
 * probabilities, boxed, adds about 4.5 MB and fails this). Model calls go to the fast
 * {@link EnergyInferer}, which also proves each call carried the state the previous one returned.
 */
class StreamingVadMemoryTest {
  private static final long SECONDS = 2 * 3600;
  private static final String HEAP = "-Xmx64m";
  /** Allowed growth of the collected heap between the first and last probe. */
  private static final long MAX_GROWTH_KIB = 2 * 1024;

  @Test
  void twoHoursOfAudioRunInA64MiBHeapWithoutTheHeapGrowing() throws Exception {
    List<String> lines = runChild();
    long rate = ToneAndSilenceWav.RATE;
    long cycles = SECONDS / ToneAndSilenceWav.CYCLE_SECONDS;
    long pad = 480; // 30 ms
    List<String> expected = new ArrayList<>();
    for (long k = 0; k < cycles; k++) {
      long toneStart = (k * ToneAndSilenceWav.CYCLE_SECONDS + ToneAndSilenceWav.SILENCE_SECONDS) * rate;
      long toneEnd = (k + 1) * ToneAndSilenceWav.CYCLE_SECONDS * rate;
      // The last tone runs to the end of the audio, where padding stops.
      expected.add("segment " + (toneStart - pad) + " " + (k == cycles - 1 ? toneEnd : toneEnd + pad));
    }
    String output = String.join("\n", lines);
    assertEquals(expected, lines.stream().filter(l -> l.startsWith("segment ")).toList(), output);
    assertTrue(lines.contains("samples " + SECONDS * rate), output);
    assertTrue(lines.contains("calls " + SECONDS * rate / 512), output);
    long[] heapKib = values(lines, "heap-kib ");
    assertEquals(4, heapKib.length, output);
    long growth = heapKib[3] - heapKib[0];
    assertTrue(growth < MAX_GROWTH_KIB, "heap in use grew by " + growth + " KiB: " + Arrays.toString(heapKib));
    System.out.println("heap in use after GC at 10/40/70/95 % of the input (KiB): " + Arrays.toString(heapKib));
  }

  private static List<String> runChild() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java, HEAP, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                LongRecordingRun.class.getName(), String.valueOf(SECONDS))
            .redirectErrorStream(true)
            .start();
    CompletableFuture<List<String>> output =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                return r.lines().collect(Collectors.toList());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    if (!child.waitFor(180, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new AssertionError("the two-hour run took over 180 s");
    }
    List<String> lines = output.get(10, TimeUnit.SECONDS);
    assertEquals(0, child.exitValue(), String.join("\n", lines));
    return lines;
  }

  private static long[] values(List<String> lines, String prefix) {
    return lines.stream()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .map(l -> Arrays.stream(l.substring(prefix.length()).split(" ")).mapToLong(Long::parseLong).toArray())
        .orElse(new long[0]);
  }
}

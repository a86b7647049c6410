package io.inferencia.gpu.pipeline.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamingResamplerTest {
  @ParameterizedTest(name = "{0} Hz -> {1} Hz")
  @CsvSource({"22050, 16000", "44100, 16000", "8000, 16000", "16000, 16000", "48000, 16000", "11025, 16000"})
  void blockByBlockEqualsTheWholeSignalResampled(int inRate, int outRate) {
    for (float[] signal : List.of(noise(inRate * 3 / 2, 11), sine(inRate * 3 / 2 + 7, 440, inRate))) {
      float[] expected = new Resampler(inRate, outRate).resample(signal);
      Random random = new Random(inRate);
      assertArrayEquals(expected, streamed(signal, inRate, outRate, () -> 1), "blocks of one sample");
      assertArrayEquals(expected, streamed(signal, inRate, outRate, () -> random.nextInt(4)), "tiny and empty blocks");
      assertArrayEquals(expected, streamed(signal, inRate, outRate, () -> random.nextInt(5000)), "random blocks");
      assertArrayEquals(expected, streamed(signal, inRate, outRate, () -> signal.length), "one block");
    }
  }

  @Test
  void shortSignalsAreFlushedAtTheEnd() {
    for (int length : new int[] {0, 1, 2, 5, 30, 31, 100}) {
      float[] signal = noise(length, length);
      float[] expected = new Resampler(44_100, 16_000).resample(signal);
      assertArrayEquals(expected, streamed(signal, 44_100, 16_000, () -> 3), "length " + length);
      assertArrayEquals(new Resampler(8_000, 16_000).resample(signal), streamed(signal, 8_000, 16_000, () -> 2));
    }
  }

  @Test
  void keepsOnlyTheKernelSpanOfInput() {
    // Half-width at 48 kHz -> 16 kHz: 12 zero crossings / (0.94 / 3) ≈ 38.3 input samples.
    StreamingResampler resampler = new StreamingResampler(48_000, 16_000);
    Random random = new Random(5);
    int mostRetained = 0;
    long outputs = 0;
    for (int i = 0; i < 2_000; i++) {
      outputs += resampler.feed(new float[random.nextInt(1000)]).length;
      mostRetained = Math.max(mostRetained, resampler.retainedSamples());
    }
    assertTrue(outputs > 300_000, "outputs " + outputs);
    // Whatever the block size (up to 999 here), only about two half-widths stay between blocks.
    assertTrue(mostRetained <= 2 * 39 + 2, "retained " + mostRetained + " samples between blocks");
  }

  @Test
  void sameRatePassesBlocksThrough() {
    StreamingResampler same = new StreamingResampler(16_000, 16_000);
    float[] block = noise(100, 1);
    assertSame(block, same.feed(block));
    assertEquals(0, same.finish().length);
  }

  private static float[] streamed(float[] signal, int inRate, int outRate, IntSupplier sizes) {
    StreamingResampler resampler = new StreamingResampler(inRate, outRate);
    List<float[]> out = new ArrayList<>();
    for (float[] block : Blocks.split(signal, sizes)) out.add(resampler.feed(block));
    out.add(resampler.finish());
    return Blocks.concat(out);
  }

  private static float[] noise(int length, long seed) {
    Random random = new Random(seed);
    float[] x = new float[length];
    for (int i = 0; i < length; i++) x[i] = (float) (random.nextGaussian() * 0.3);
    return x;
  }

  private static float[] sine(int length, double hz, int rate) {
    float[] x = new float[length];
    for (int i = 0; i < length; i++) x[i] = (float) (0.8 * Math.sin(2 * Math.PI * hz * i / rate));
    return x;
  }
}

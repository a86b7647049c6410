package io.inferencia.gpu.pipeline.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResamplerTest {
  @Test
  void keepsInBandToneAndRemovesToneAboveTheNewNyquist() {
    float[] low = resampledSine(1_000, 44_100);
    float[] high = resampledSine(10_000, 44_100); // would alias to 6 kHz without the low-pass
    assertEquals(16_000, low.length);
    assertEquals(1.0, rms(low) * Math.sqrt(2), 0.02);
    assertTrue(rms(high) * Math.sqrt(2) < 0.01, "aliased energy " + rms(high));
  }

  @Test
  void upsamplesWithoutChangingAmplitude() {
    float[] up = resampledSine(1_000, 8_000);
    assertEquals(16_000, up.length);
    assertEquals(1.0, rms(up) * Math.sqrt(2), 0.02);
  }

  private static float[] resampledSine(double hz, int rate) {
    float[] in = new float[rate];
    for (int i = 0; i < in.length; i++) in[i] = (float) Math.sin(2 * Math.PI * hz * i / rate);
    return new Resampler(rate, 16_000).resample(in);
  }

  /** RMS away from the edges, where the kernel runs off the signal. */
  private static double rms(float[] x) {
    double sum = 0;
    int from = x.length / 10, to = x.length - x.length / 10;
    for (int i = from; i < to; i++) sum += x[i] * x[i];
    return Math.sqrt(sum / (to - from));
  }
}

package io.inferencia.gpu.pipeline.vad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SileroSegmenterTest {
  private final SileroSegmenter segmenter = new SileroSegmenter(SegmentationParams.defaults(), 16_000, 512);

  /** Windows of 512 samples = 32 ms; builds a probability track from (probability, windows) pairs. */
  private static float[] track(double... pairs) {
    int n = 0;
    for (int i = 1; i < pairs.length; i += 2) n += (int) pairs[i];
    float[] out = new float[n];
    int at = 0;
    for (int i = 0; i < pairs.length; i += 2)
      for (int k = 0; k < (int) pairs[i + 1]; k++) out[at++] = (float) pairs[i];
    return out;
  }

  @Test
  void padsASpeechSpanBy30Ms() {
    float[] p = track(0.1, 10, 0.9, 20, 0.1, 20);
    // Speech from window 10 to 30 (5120..15360 samples), padded by 480 samples each side.
    assertEquals(List.of(new SpeechSegment(5120 - 480, 15360 + 480)), segmenter.segments(p, 50 * 512));
  }

  @Test
  void dropsSpeechShorterThan250MsAndBridgesShortPauses() {
    assertEquals(List.of(), segmenter.segments(track(0.1, 10, 0.9, 5, 0.1, 20), 35 * 512));
    // A 64 ms dip below 0.35 (less than the 100 ms minimum silence) does not end the segment.
    List<SpeechSegment> s = segmenter.segments(track(0.1, 10, 0.9, 20, 0.2, 2, 0.9, 20, 0.1, 20), 72 * 512);
    assertEquals(1, s.size());
    // Values between the thresholds keep speech going.
    assertEquals(1, segmenter.segments(track(0.9, 20, 0.4, 20, 0.9, 20, 0.0, 10), 70 * 512).size());
  }

  @Test
  void speechRunningToTheEndIsClosedAtTheEnd() {
    assertEquals(List.of(new SpeechSegment(10 * 512 - 480, 30 * 512)), segmenter.segments(track(0.1, 10, 0.9, 20), 30 * 512));
  }
}

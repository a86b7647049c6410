package io.inferencia.gpu.pipeline.vad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

  @Test
  void windowByWindowEqualsTheWholeTrack() {
    List<float[]> tracks =
        List.of(
            track(0.1, 10, 0.9, 20, 0.1, 20),
            track(0.1, 10, 0.9, 5, 0.1, 20),
            track(0.1, 10, 0.9, 20, 0.2, 2, 0.9, 20, 0.1, 20),
            track(0.9, 20, 0.4, 20, 0.9, 20, 0.0, 10),
            track(0.1, 10, 0.9, 20),
            track(0.9, 20, 0.1, 5, 0.9, 20, 0.1, 10));
    for (float[] p : tracks) {
      long samples = (long) p.length * 512;
      assertEquals(reference(p, samples), windowByWindow(segmenter, p, samples));
      assertEquals(reference(p, samples), segmenter.segments(p, samples));
    }
  }

  @Test
  void padsThatWouldOverlapSplitTheGap() {
    SileroSegmenter widePads = new SileroSegmenter(new SegmentationParams(0.5f, 0.35f, 100, 250, 100), 16_000, 512);
    float[] p = track(0.9, 20, 0.1, 5, 0.9, 20, 0.1, 10);
    // Speech 0..10240 and 12800..23040: the 2560-sample gap is under two 1600-sample pads, so it is halved.
    List<SpeechSegment> expected = List.of(new SpeechSegment(0, 11520), new SpeechSegment(11520, 23040 + 1600));
    assertEquals(expected, widePads.segments(p, 55 * 512));
    assertEquals(expected, windowByWindow(widePads, p, 55 * 512));
  }

  @Test
  void aTrackerCollectsOnce() {
    SegmentTracker tracker = segmenter.tracker();
    tracker.accept(0.9f);
    tracker.finish(512);
    assertThrows(IllegalStateException.class, () -> tracker.finish(512));
  }

  private static List<SpeechSegment> windowByWindow(SileroSegmenter segmenter, float[] p, long samples) {
    SegmentTracker tracker = segmenter.tracker();
    for (float v : p) tracker.accept(v);
    return tracker.finish(samples);
  }

  @Test
  void matchesTheWholeTrackAlgorithmOnRandomTracks() {
    Random random = new Random(17);
    for (int t = 0; t < 200; t++) {
      float[] p = new float[random.nextInt(400)];
      float level = 0;
      for (int i = 0; i < p.length; i++) {
        if (random.nextInt(8) == 0) level = random.nextFloat();
        p[i] = level;
      }
      long samples = (long) p.length * 512 - random.nextInt(512);
      assertEquals(reference(p, samples), segmenter.segments(p, Math.max(0, samples)), "track " + t);
    }
  }

  /**
   * get_speech_timestamps over a whole track, as SileroSegmenter computed it before it was made
   * incremental: the oracle the incremental version must match.
   */
  private static List<SpeechSegment> reference(float[] probabilities, long audioSamples) {
    SegmentationParams params = SegmentationParams.defaults();
    long minSpeech = 16_000L * params.minSpeechMs() / 1000;
    long minSilence = 16_000L * params.minSilenceMs() / 1000;
    long pad = 16_000L * params.speechPadMs() / 1000;
    List<long[]> speeches = new ArrayList<>();
    boolean triggered = false;
    long start = 0, tempEnd = 0;
    for (int i = 0; i < probabilities.length; i++) {
      float p = probabilities[i];
      long at = 512L * i;
      if (p >= params.threshold() && tempEnd != 0) tempEnd = 0;
      if (p >= params.threshold() && !triggered) {
        triggered = true;
        start = at;
        continue;
      }
      if (p < params.negativeThreshold() && triggered) {
        if (tempEnd == 0) tempEnd = at;
        if (at - tempEnd < minSilence) continue;
        if (tempEnd - start > minSpeech) speeches.add(new long[] {start, tempEnd});
        tempEnd = 0;
        triggered = false;
      }
    }
    if (triggered && audioSamples - start > minSpeech) speeches.add(new long[] {start, audioSamples});
    List<SpeechSegment> out = new ArrayList<>();
    for (int i = 0; i < speeches.size(); i++) {
      long[] s = speeches.get(i);
      if (i == 0) s[0] = Math.max(0, s[0] - pad);
      if (i < speeches.size() - 1) {
        long[] next = speeches.get(i + 1);
        long silence = next[0] - s[1];
        if (silence < 2 * pad) {
          s[1] += silence / 2;
          next[0] = Math.max(0, next[0] - silence / 2);
        } else {
          s[1] = Math.min(audioSamples, s[1] + pad);
          next[0] = Math.max(0, next[0] - pad);
        }
      } else {
        s[1] = Math.min(audioSamples, s[1] + pad);
      }
      out.add(new SpeechSegment(s[0], s[1]));
    }
    return out;
  }
}

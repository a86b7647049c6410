package io.inferencia.gpu.pipeline.vad;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns per-window speech probabilities into segments exactly as silero-vad's get_speech_timestamps
 * does (without a maximum speech length): start at ≥ threshold, end once below the negative threshold
 * for the minimum silence, drop short segments, then pad (splitting the gap when pads would overlap).
 */
public final class SileroSegmenter {
  private final SegmentationParams params;
  private final int sampleRate;
  private final int window;

  public SileroSegmenter(SegmentationParams params, int sampleRate, int window) {
    this.params = params;
    this.sampleRate = sampleRate;
    this.window = window;
  }

  public List<SpeechSegment> segments(float[] probabilities, long audioSamples) {
    long minSpeech = (long) sampleRate * params.minSpeechMs() / 1000;
    long minSilence = (long) sampleRate * params.minSilenceMs() / 1000;
    long pad = (long) sampleRate * params.speechPadMs() / 1000;
    List<long[]> speeches = new ArrayList<>();
    boolean triggered = false;
    long start = 0;
    long tempEnd = 0;
    for (int i = 0; i < probabilities.length; i++) {
      float p = probabilities[i];
      long at = (long) window * i;
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
    return padded(speeches, pad, audioSamples);
  }

  private static List<SpeechSegment> padded(List<long[]> speeches, long pad, long audioSamples) {
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
    }
    return speeches.stream().map(s -> new SpeechSegment(s[0], s[1])).toList();
  }
}

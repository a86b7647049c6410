package io.inferencia.gpu.pipeline.vad;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of {@link SileroSegmenter} over one stream, fed one window's probability at a time. It
 * keeps the hysteresis state and the raw speech spans found so far (one pair per segment, never the
 * probabilities): padding a span needs the next span's start, so spans are padded at the end.
 * Not thread-safe: feed it from one thread at a time.
 */
public final class SegmentTracker {
  private final SegmentationParams params;
  private final int window;
  private final long minSpeech;
  private final long minSilence;
  private final long pad;
  private final List<long[]> speeches = new ArrayList<>();
  private long windows;
  private boolean triggered;
  private long start;
  private long tempEnd;
  private boolean finished;

  SegmentTracker(SegmentationParams params, int sampleRate, int window) {
    this.params = params;
    this.window = window;
    this.minSpeech = (long) sampleRate * params.minSpeechMs() / 1000;
    this.minSilence = (long) sampleRate * params.minSilenceMs() / 1000;
    this.pad = (long) sampleRate * params.speechPadMs() / 1000;
  }

  /** The next window's speech probability. */
  public void accept(float p) {
    long at = window * windows++;
    if (p >= params.threshold() && tempEnd != 0) tempEnd = 0;
    if (p >= params.threshold() && !triggered) {
      triggered = true;
      start = at;
      return;
    }
    if (p < params.negativeThreshold() && triggered) {
      if (tempEnd == 0) tempEnd = at;
      if (at - tempEnd < minSilence) return;
      if (tempEnd - start > minSpeech) speeches.add(new long[] {start, tempEnd});
      tempEnd = 0;
      triggered = false;
    }
  }

  /** The padded segments of a stream of {@code audioSamples} samples; call once, after the last window. */
  public List<SpeechSegment> finish(long audioSamples) {
    if (finished) throw new IllegalStateException("the segments were already collected");
    finished = true;
    if (triggered && audioSamples - start > minSpeech) speeches.add(new long[] {start, audioSamples});
    return padded(audioSamples);
  }

  private List<SpeechSegment> padded(long audioSamples) {
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

package io.inferencia.gpu.pipeline.vad;

import java.util.List;

/**
 * Turns per-window speech probabilities into segments exactly as silero-vad's get_speech_timestamps
 * does (without a maximum speech length): start at ≥ threshold, end once below the negative threshold
 * for the minimum silence, drop short segments, then pad (splitting the gap when pads would overlap).
 * Immutable and shareable; each run keeps its own {@link SegmentTracker}.
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

  /** A fresh tracker to feed one stream's probabilities window by window. */
  public SegmentTracker tracker() {
    return new SegmentTracker(params, sampleRate, window);
  }

  public List<SpeechSegment> segments(float[] probabilities, long audioSamples) {
    SegmentTracker tracker = tracker();
    for (float p : probabilities) tracker.accept(p);
    return tracker.finish(audioSamples);
  }
}

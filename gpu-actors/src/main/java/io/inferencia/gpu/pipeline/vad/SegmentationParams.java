package io.inferencia.gpu.pipeline.vad;

/** Silero's get_speech_timestamps parameters; {@link #defaults()} are the reference values. */
public record SegmentationParams(
    float threshold, float negativeThreshold, int minSilenceMs, int minSpeechMs, int speechPadMs) {
  public static SegmentationParams defaults() {
    return new SegmentationParams(0.5f, 0.35f, 100, 250, 30);
  }
}

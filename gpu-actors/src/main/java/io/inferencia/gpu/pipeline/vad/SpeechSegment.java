package io.inferencia.gpu.pipeline.vad;

/** A span of speech in samples at the model's rate; end exclusive. */
public record SpeechSegment(long start, long end) {
  public long startMillis(int sampleRate) {
    return start * 1000 / sampleRate;
  }

  public long endMillis(int sampleRate) {
    return end * 1000 / sampleRate;
  }
}

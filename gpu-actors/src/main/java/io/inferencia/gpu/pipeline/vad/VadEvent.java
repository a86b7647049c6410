package io.inferencia.gpu.pipeline.vad;

/** What flows through {@link StreamingVad}'s graph after the audio has been decoded. */
sealed interface VadEvent {
  /** One Silero model input: 64 samples of context and 512 new ones at 16 kHz. */
  record Window(float[] input) implements VadEvent {}

  /** The speech probability Silero gave the next window. */
  record Probability(float value) implements VadEvent {}

  /** The audio has ended: {@code samples} at 16 kHz, {@code seconds} as the source's frames and rate give. */
  record End(long samples, double seconds) implements VadEvent {}
}

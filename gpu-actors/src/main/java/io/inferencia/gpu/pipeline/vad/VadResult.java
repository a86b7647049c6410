package io.inferencia.gpu.pipeline.vad;

import java.util.List;

/**
 * What {@link StreamingVad} found: speech segments in samples at 16 kHz (end exclusive), the audio's
 * length in those samples, and its duration as the source's frame count and rate give it.
 */
public record VadResult(List<SpeechSegment> segments, long samples, double durationSeconds) {
  public static final int SAMPLE_RATE = SileroCall.SAMPLE_RATE;

  public VadResult {
    segments = List.copyOf(segments);
  }

  /** The segments as {start, end} millisecond pairs, flattened as the vad_segments model returns them. */
  public long[] segmentsMillis() {
    long[] ms = new long[segments.size() * 2];
    for (int i = 0; i < segments.size(); i++) {
      ms[2 * i] = segments.get(i).startMillis(SAMPLE_RATE);
      ms[2 * i + 1] = segments.get(i).endMillis(SAMPLE_RATE);
    }
    return ms;
  }
}

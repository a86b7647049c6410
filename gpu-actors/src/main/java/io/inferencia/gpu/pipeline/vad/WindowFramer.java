package io.inferencia.gpu.pipeline.vad;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts a 16 kHz signal arriving in blocks of any size into Silero's model inputs: 64 samples of
 * context (the previous window's tail, zeros before the start) followed by 512 new samples. Holds one
 * input under construction. Not thread-safe: feed it from one thread at a time.
 */
final class WindowFramer {
  private float[] next = new float[SileroCall.INPUT];
  private int filled = SileroCall.CONTEXT;
  private long samples;

  /** The model inputs that {@code block} completed, in order. */
  List<float[]> feed(float[] block) {
    List<float[]> inputs = new ArrayList<>(block.length / SileroCall.WINDOW + 1);
    for (int pos = 0; pos < block.length; ) {
      int take = Math.min(SileroCall.INPUT - filled, block.length - pos);
      System.arraycopy(block, pos, next, filled, take);
      filled += take;
      pos += take;
      if (filled == SileroCall.INPUT) {
        inputs.add(next);
        float[] following = new float[SileroCall.INPUT];
        System.arraycopy(next, SileroCall.WINDOW, following, 0, SileroCall.CONTEXT);
        next = following;
        filled = SileroCall.CONTEXT;
      }
    }
    samples += block.length;
    return inputs;
  }

  /** The last, partial window zero-padded to 512 samples, if the signal did not end on a window boundary. */
  Optional<float[]> finish() {
    return filled > SileroCall.CONTEXT ? Optional.of(next) : Optional.empty();
  }

  /** Samples fed so far. */
  long samples() {
    return samples;
  }
}

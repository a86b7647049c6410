package io.inferencia.gpu.pipeline.audio;

import java.util.Arrays;

/**
 * {@link Resampler} over a signal that arrives in blocks: the concatenated outputs of {@link #feed}
 * and {@link #finish} equal {@code new Resampler(in, out).resample(wholeSignal)} exactly. An output
 * is computed once every input its kernel reaches has arrived, so only about two kernel half-widths
 * of input (plus the latest block) are kept. Not thread-safe: feed it from one thread at a time.
 */
public final class StreamingResampler {
  private static final float[] NO_SAMPLES = new float[0];
  private final int inRate;
  private final int outRate;
  private final SincKernel kernel;
  /** Input samples still needed; {@code history[0]} is absolute input index {@code historyStart}. */
  private float[] history = new float[1024];
  private int historyLength;
  private long historyStart;
  private long received;
  private long nextOutput;

  public StreamingResampler(int inRate, int outRate) {
    this.inRate = inRate;
    this.outRate = outRate;
    this.kernel = new SincKernel(inRate, outRate);
  }

  /** Takes the next input block; returns the outputs it made computable (possibly none). */
  public float[] feed(float[] block) {
    received += block.length;
    if (inRate == outRate) return block;
    append(block);
    long end = nextOutput;
    while (kernel.lastTap(kernel.center(end)) < received) end++;
    float[] out = produce(end);
    forget();
    return out;
  }

  /** The outputs left once the input has ended; samples past the end count as absent, as in Resampler. */
  public float[] finish() {
    if (inRate == outRate) return NO_SAMPLES;
    return produce(received * outRate / inRate);
  }

  /** Input samples held for outputs still to come. */
  int retainedSamples() {
    return historyLength;
  }

  /** Computes outputs {@code nextOutput} up to {@code end} (exclusive). */
  private float[] produce(long end) {
    float[] out = new float[(int) (end - nextOutput)];
    for (int i = 0; i < out.length; i++, nextOutput++) {
      double center = kernel.center(nextOutput);
      long first = Math.max(0, kernel.firstTap(center));
      long last = Math.min(received - 1, kernel.lastTap(center));
      out[i] = (float) kernel.sum(history, historyStart, center, first, last);
    }
    return out;
  }

  private void append(float[] block) {
    if (historyLength + block.length > history.length)
      history = Arrays.copyOf(history, Math.max(historyLength + block.length, history.length * 2));
    System.arraycopy(block, 0, history, historyLength, block.length);
    historyLength += block.length;
  }

  /** Drops the inputs before the first one the next output weighs. */
  private void forget() {
    long keepFrom = Math.max(0, kernel.firstTap(kernel.center(nextOutput)));
    int drop = (int) Math.min(historyLength, keepFrom - historyStart);
    if (drop <= 0) return;
    System.arraycopy(history, drop, history, 0, historyLength - drop);
    historyLength -= drop;
    historyStart += drop;
  }
}

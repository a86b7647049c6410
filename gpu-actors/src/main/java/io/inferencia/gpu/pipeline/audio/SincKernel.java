package io.inferencia.gpu.pipeline.audio;

/**
 * The interpolation kernel of {@link Resampler} and {@link StreamingResampler}: a windowed sinc,
 * tabulated once, whose cutoff sits just below the output Nyquist frequency when downsampling so it
 * is also the anti-aliasing low-pass. Both resamplers compute each output with {@link #sum}, so they
 * add the same terms in the same order and agree to the bit.
 */
final class SincKernel {
  private static final int ZERO_CROSSINGS = 12;
  private static final double ROLLOFF = 0.94;
  private static final int TABLE_STEPS = 512;
  private final double cutoff;
  private final double halfWidth;
  private final double step;
  private final float[] table;

  SincKernel(int inRate, int outRate) {
    // Cutoff as a fraction of the input Nyquist frequency.
    this.cutoff = Math.min(1.0, (double) outRate / inRate) * ROLLOFF;
    this.halfWidth = ZERO_CROSSINGS / cutoff;
    this.step = (double) inRate / outRate;
    int size = (int) Math.ceil(halfWidth * TABLE_STEPS) + 2;
    this.table = new float[size];
    for (int i = 0; i < size; i++) table[i] = (float) kernel((double) i / TABLE_STEPS);
  }

  /** Where output sample {@code n} sits on the input's time axis, in input samples. */
  double center(long n) {
    return n * step;
  }

  /** The first input index the output at {@code center} weighs (may be negative: absent). */
  long firstTap(double center) {
    return (long) Math.ceil(center - halfWidth);
  }

  /** The last input index the output at {@code center} weighs (may lie beyond the input: absent). */
  long lastTap(double center) {
    return (long) Math.floor(center + halfWidth);
  }

  /**
   * The output at {@code center} from inputs {@code first..last} (absolute indices, all present),
   * where {@code samples[0]} holds absolute index {@code offset}.
   */
  double sum(float[] samples, long offset, double center, long first, long last) {
    double sum = 0;
    for (long i = first; i <= last; i++) {
      double pos = Math.abs(center - i) * TABLE_STEPS;
      int k = (int) pos;
      double frac = pos - k;
      sum += samples[(int) (i - offset)] * (table[k] + frac * (table[k + 1] - table[k]));
    }
    return sum;
  }

  /** cutoff·sinc(cutoff·t) under a Blackman window spanning ±halfWidth input samples. */
  private double kernel(double t) {
    if (t >= halfWidth) return 0;
    double x = cutoff * t;
    double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    double w = 0.42 + 0.5 * Math.cos(Math.PI * t / halfWidth) + 0.08 * Math.cos(2 * Math.PI * t / halfWidth);
    return cutoff * sinc * w;
  }
}

package io.inferencia.gpu.pipeline.audio;

/**
 * Band-limited resampling by windowed-sinc interpolation. When downsampling, the sinc's cutoff sits
 * just below the output Nyquist frequency, so the kernel is also the anti-aliasing low-pass.
 */
public final class Resampler {
  private static final int ZERO_CROSSINGS = 12;
  private static final double ROLLOFF = 0.94;
  private static final int TABLE_STEPS = 512;
  private final int inRate;
  private final int outRate;
  private final double cutoff;
  private final double halfWidth;
  private final float[] table;

  public Resampler(int inRate, int outRate) {
    this.inRate = inRate;
    this.outRate = outRate;
    // Cutoff as a fraction of the input Nyquist frequency.
    this.cutoff = Math.min(1.0, (double) outRate / inRate) * ROLLOFF;
    this.halfWidth = ZERO_CROSSINGS / cutoff;
    int size = (int) Math.ceil(halfWidth * TABLE_STEPS) + 2;
    this.table = new float[size];
    for (int i = 0; i < size; i++) table[i] = (float) kernel((double) i / TABLE_STEPS);
  }

  /** cutoff·sinc(cutoff·t) under a Blackman window spanning ±halfWidth input samples. */
  private double kernel(double t) {
    if (t >= halfWidth) return 0;
    double x = cutoff * t;
    double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    double w = 0.42 + 0.5 * Math.cos(Math.PI * t / halfWidth) + 0.08 * Math.cos(2 * Math.PI * t / halfWidth);
    return cutoff * sinc * w;
  }

  public float[] resample(float[] in) {
    if (inRate == outRate) return in;
    int outLength = (int) ((long) in.length * outRate / inRate);
    float[] out = new float[outLength];
    double step = (double) inRate / outRate;
    for (int n = 0; n < outLength; n++) {
      double center = n * step;
      int first = Math.max(0, (int) Math.ceil(center - halfWidth));
      int last = Math.min(in.length - 1, (int) Math.floor(center + halfWidth));
      double sum = 0;
      for (int i = first; i <= last; i++) {
        double pos = Math.abs(center - i) * TABLE_STEPS;
        int k = (int) pos;
        double frac = pos - k;
        sum += in[i] * (table[k] + frac * (table[k + 1] - table[k]));
      }
      out[n] = (float) sum;
    }
    return out;
  }
}

package io.inferencia.gpu.pipeline.audio;

/**
 * Band-limited resampling of a whole signal by windowed-sinc interpolation (see {@link SincKernel});
 * samples beyond either end count as absent. {@link StreamingResampler} gives the same output block
 * by block.
 */
public final class Resampler {
  private final int inRate;
  private final int outRate;
  private final SincKernel kernel;

  public Resampler(int inRate, int outRate) {
    this.inRate = inRate;
    this.outRate = outRate;
    this.kernel = new SincKernel(inRate, outRate);
  }

  public float[] resample(float[] in) {
    if (inRate == outRate) return in;
    int outLength = (int) ((long) in.length * outRate / inRate);
    float[] out = new float[outLength];
    for (int n = 0; n < outLength; n++) {
      double center = kernel.center(n);
      long first = Math.max(0, kernel.firstTap(center));
      long last = Math.min(in.length - 1, kernel.lastTap(center));
      out[n] = (float) kernel.sum(in, 0, center, first, last);
    }
    return out;
  }
}

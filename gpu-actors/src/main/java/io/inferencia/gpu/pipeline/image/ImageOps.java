package io.inferencia.gpu.pipeline.image;

/** Geometric operations on {@link BgrImage}, matching OpenCV's conventions the models were trained with. */
public final class ImageOps {
  private ImageOps() {}

  /** Bilinear resize with pixel-centre alignment, as cv2.resize(INTER_LINEAR). */
  public static BgrImage resize(BgrImage src, int newWidth, int newHeight) {
    if (newWidth == src.width() && newHeight == src.height()) return src;
    byte[] out = new byte[newWidth * newHeight * 3];
    double sx = (double) src.width() / newWidth;
    double sy = (double) src.height() / newHeight;
    int[] x0 = new int[newWidth];
    int[] x1 = new int[newWidth];
    float[] fx = new float[newWidth];
    for (int x = 0; x < newWidth; x++) {
      double px = Math.max(0, Math.min(src.width() - 1, (x + 0.5) * sx - 0.5));
      x0[x] = (int) px;
      x1[x] = Math.min(x0[x] + 1, src.width() - 1);
      fx[x] = (float) (px - x0[x]);
    }
    byte[] p = src.pixels();
    int w = src.width();
    for (int y = 0; y < newHeight; y++) {
      double py = Math.max(0, Math.min(src.height() - 1, (y + 0.5) * sy - 0.5));
      int y0 = (int) py;
      int y1 = Math.min(y0 + 1, src.height() - 1);
      float fy = (float) (py - y0);
      for (int x = 0; x < newWidth; x++) {
        int a = (y0 * w + x0[x]) * 3, b = (y0 * w + x1[x]) * 3;
        int c = (y1 * w + x0[x]) * 3, d = (y1 * w + x1[x]) * 3;
        int o = (y * newWidth + x) * 3;
        for (int ch = 0; ch < 3; ch++) {
          float top = (p[a + ch] & 0xFF) + fx[x] * ((p[b + ch] & 0xFF) - (p[a + ch] & 0xFF));
          float bottom = (p[c + ch] & 0xFF) + fx[x] * ((p[d + ch] & 0xFF) - (p[c + ch] & 0xFF));
          out[o + ch] = (byte) Math.round(top + fy * (bottom - top));
        }
      }
    }
    return new BgrImage(newWidth, newHeight, out);
  }

  public static BgrImage rotate180(BgrImage src) {
    byte[] p = src.pixels();
    byte[] out = new byte[p.length];
    int n = src.width() * src.height();
    for (int i = 0; i < n; i++) System.arraycopy(p, i * 3, out, (n - 1 - i) * 3, 3);
    return new BgrImage(src.width(), src.height(), out);
  }

  /** Rotates 90 degrees counter-clockwise, as numpy's rot90 (PaddleOCR's handling of tall crops). */
  public static BgrImage rotate90CounterClockwise(BgrImage src) {
    int w = src.width(), h = src.height();
    byte[] out = new byte[w * h * 3];
    // Output is h wide and w tall; output (x', y') comes from source (w - 1 - y', x').
    for (int y = 0; y < w; y++)
      for (int x = 0; x < h; x++)
        System.arraycopy(src.pixels(), (x * w + (w - 1 - y)) * 3, out, (y * h + x) * 3, 3);
    return new BgrImage(h, w, out);
  }

  /**
   * Warps the quadrilateral {@code quad} (4 points, clockwise from top-left, in source pixels) onto
   * an upright {@code width x height} image: bilinear sampling, edge pixels replicated outside.
   */
  public static BgrImage warpQuad(BgrImage src, double[][] quad, int width, int height) {
    double[] h =
        Homography.between(
            new double[][] {{0, 0}, {width, 0}, {width, height}, {0, height}}, quad);
    byte[] out = new byte[width * height * 3];
    byte[] p = src.pixels();
    int sw = src.width(), sh = src.height();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double den = h[6] * x + h[7] * y + 1;
        double u = (h[0] * x + h[1] * y + h[2]) / den;
        double v = (h[3] * x + h[4] * y + h[5]) / den;
        u = Math.max(0, Math.min(sw - 1, u));
        v = Math.max(0, Math.min(sh - 1, v));
        int u0 = (int) u, v0 = (int) v;
        int u1 = Math.min(u0 + 1, sw - 1), v1 = Math.min(v0 + 1, sh - 1);
        double fu = u - u0, fv = v - v0;
        int o = (y * width + x) * 3;
        for (int ch = 0; ch < 3; ch++) {
          double top = (p[(v0 * sw + u0) * 3 + ch] & 0xFF) * (1 - fu) + (p[(v0 * sw + u1) * 3 + ch] & 0xFF) * fu;
          double bot = (p[(v1 * sw + u0) * 3 + ch] & 0xFF) * (1 - fu) + (p[(v1 * sw + u1) * 3 + ch] & 0xFF) * fu;
          out[o + ch] = (byte) Math.round(top * (1 - fv) + bot * fv);
        }
      }
    }
    return new BgrImage(width, height, out);
  }
}

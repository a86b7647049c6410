package io.inferencia.gpu.pipeline.ocr;

import java.util.Arrays;

/** Minimum-area enclosing rectangle of a point set: convex hull, then rotating calipers over its edges. */
final class MinAreaRect {
  private MinAreaRect() {}

  /** The rectangle's 4 corners (unordered), or null when there are fewer than 2 distinct points. */
  static double[][] of(long[] xs, long[] ys, int n) {
    double[][] hull = convexHull(xs, ys, n);
    if (hull.length < 2) return null;
    double bestArea = Double.MAX_VALUE;
    double[][] best = null;
    for (int i = 0; i < hull.length; i++) {
      double[] a = hull[i], b = hull[(i + 1) % hull.length];
      double len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      if (len == 0) continue;
      double ux = (b[0] - a[0]) / len, uy = (b[1] - a[1]) / len; // edge direction
      double minU = Double.MAX_VALUE, maxU = -Double.MAX_VALUE, minV = Double.MAX_VALUE, maxV = -Double.MAX_VALUE;
      for (double[] p : hull) {
        double u = p[0] * ux + p[1] * uy, v = -p[0] * uy + p[1] * ux;
        minU = Math.min(minU, u);
        maxU = Math.max(maxU, u);
        minV = Math.min(minV, v);
        maxV = Math.max(maxV, v);
      }
      double area = (maxU - minU) * (maxV - minV);
      if (area < bestArea) {
        bestArea = area;
        best =
            new double[][] {
              toXy(minU, minV, ux, uy), toXy(maxU, minV, ux, uy), toXy(maxU, maxV, ux, uy), toXy(minU, maxV, ux, uy)
            };
      }
    }
    return best;
  }

  private static double[] toXy(double u, double v, double ux, double uy) {
    return new double[] {u * ux - v * uy, u * uy + v * ux};
  }

  /** Andrew's monotone chain; collinear points dropped. */
  private static double[][] convexHull(long[] xs, long[] ys, int n) {
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    Arrays.sort(idx, (a, b) -> xs[a] != xs[b] ? Long.compare(xs[a], xs[b]) : Long.compare(ys[a], ys[b]));
    int[] hull = new int[2 * n + 1];
    int k = 0;
    for (int pass = 0; pass < 2; pass++) {
      int start = k;
      for (int j = 0; j < n; j++) {
        int i = pass == 0 ? idx[j] : idx[n - 1 - j];
        while (k >= start + 2 && cross(xs, ys, hull[k - 2], hull[k - 1], i) <= 0) k--;
        hull[k++] = i;
      }
      k--; // the last point of each chain starts the other
    }
    if (k < 1) k = 1;
    double[][] out = new double[k][];
    for (int i = 0; i < k; i++) out[i] = new double[] {xs[hull[i]], ys[hull[i]]};
    return distinct(out);
  }

  private static double[][] distinct(double[][] pts) {
    if (pts.length == 2 && pts[0][0] == pts[1][0] && pts[0][1] == pts[1][1]) return new double[][] {pts[0]};
    return pts;
  }

  private static long cross(long[] xs, long[] ys, int o, int a, int b) {
    return (xs[a] - xs[o]) * (ys[b] - ys[o]) - (ys[a] - ys[o]) * (xs[b] - xs[o]);
  }
}

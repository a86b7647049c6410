package io.inferencia.gpu.pipeline.image;

/** The perspective transform taking four points onto four others (cv2.getPerspectiveTransform). */
final class Homography {
  private Homography() {}

  /** Coefficients h0..h7 (h8 = 1) with dst = H · src in homogeneous coordinates. */
  static double[] between(double[][] src, double[][] dst) {
    double[][] a = new double[8][9];
    for (int i = 0; i < 4; i++) {
      double x = src[i][0], y = src[i][1], u = dst[i][0], v = dst[i][1];
      a[2 * i] = new double[] {x, y, 1, 0, 0, 0, -x * u, -y * u, u};
      a[2 * i + 1] = new double[] {0, 0, 0, x, y, 1, -x * v, -y * v, v};
    }
    return solve(a);
  }

  /** Gaussian elimination with partial pivoting on an 8x9 augmented matrix. */
  private static double[] solve(double[][] a) {
    int n = 8;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
      double[] t = a[col];
      a[col] = a[pivot];
      a[pivot] = t;
      if (Math.abs(a[col][col]) < 1e-12) throw new IllegalArgumentException("degenerate quadrilateral");
      for (int r = 0; r < n; r++) {
        if (r == col) continue;
        double f = a[r][col] / a[col][col];
        for (int c = col; c <= n; c++) a[r][c] -= f * a[col][c];
      }
    }
    double[] h = new double[n];
    for (int i = 0; i < n; i++) h[i] = a[i][n] / a[i][i];
    return h;
  }
}

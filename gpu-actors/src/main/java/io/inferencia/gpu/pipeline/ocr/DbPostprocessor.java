package io.inferencia.gpu.pipeline.ocr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Differentiable-binarization post-processing (PaddleOCR's DBPostProcess with its defaults): threshold
 * the probability map, take 8-connected regions, fit each a minimum-area rectangle, keep those whose
 * mean probability is high enough, grow ("unclip") them by area·ratio/perimeter, and scale them back.
 */
public final class DbPostprocessor {
  private static final int MIN_SIDE = 3;
  private static final int MAX_CANDIDATES = 1000;
  private final float threshold;
  private final float boxThreshold;
  private final double unclipRatio;

  public DbPostprocessor(float threshold, float boxThreshold, double unclipRatio) {
    this.threshold = threshold;
    this.boxThreshold = boxThreshold;
    this.unclipRatio = unclipRatio;
  }

  /** PaddleOCR's reference values (unclip 1.5); the pipeline's own default ratio comes from OcrSettings. */
  public static DbPostprocessor withDefaults() {
    return new DbPostprocessor(0.3f, 0.6f, 1.5);
  }

  /** Boxes in source-image pixels, in reading order. */
  public List<TextBox> boxes(float[] prob, DetInput input) {
    int w = input.width(), h = input.height();
    int[] labels = new int[w * h];
    int[] stack = new int[w * h];
    List<TextBox> boxes = new ArrayList<>();
    int label = 0;
    for (int start = 0; start < w * h && label < MAX_CANDIDATES; start++) {
      if (labels[start] != 0 || prob[start] <= threshold) continue;
      label++;
      double[][] rect = regionRect(prob, w, h, start, label, labels, stack);
      if (rect == null) continue;
      double[][] box = orderCorners(rect);
      if (shortSide(box) < MIN_SIDE) continue;
      if (meanScore(prob, w, h, box) < boxThreshold) continue;
      double[][] grown = orderCorners(unclip(box));
      if (shortSide(grown) < MIN_SIDE + 2) continue;
      TextBox scaled = scale(grown, input);
      if (Math.floor(dist(scaled.points()[0], scaled.points()[1])) <= MIN_SIDE
          || Math.floor(dist(scaled.points()[0], scaled.points()[3])) <= MIN_SIDE) continue;
      boxes.add(scaled);
    }
    return readingOrder(boxes);
  }

  /**
   * Labels one region by flood fill and returns its minimum-area rectangle (over pixel centres, as
   * OpenCV's contours are). Only each row's leftmost and rightmost pixel can lie on the convex hull.
   */
  private double[][] regionRect(float[] prob, int w, int h, int start, int label, int[] labels, int[] stack) {
    int top = start / w, bottom = top;
    int[] rowMin = new int[h];
    int[] rowMax = new int[h];
    Arrays.fill(rowMin, Integer.MAX_VALUE);
    Arrays.fill(rowMax, -1);
    int sp = 0;
    stack[sp++] = start;
    labels[start] = label;
    while (sp > 0) {
      int p = stack[--sp];
      int x = p % w, y = p / w;
      rowMin[y] = Math.min(rowMin[y], x);
      rowMax[y] = Math.max(rowMax[y], x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      for (int dy = -1; dy <= 1; dy++) {
        int ny = y + dy;
        if (ny < 0 || ny >= h) continue;
        for (int dx = -1; dx <= 1; dx++) {
          int nx = x + dx;
          if (nx < 0 || nx >= w) continue;
          int q = ny * w + nx;
          if (labels[q] == 0 && prob[q] > threshold) {
            labels[q] = label;
            stack[sp++] = q;
          }
        }
      }
    }
    int rows = bottom - top + 1;
    long[] xs = new long[2 * rows];
    long[] ys = new long[2 * rows];
    int n = 0;
    for (int y = top; y <= bottom; y++) {
      if (rowMax[y] < 0) continue;
      xs[n] = rowMin[y];
      ys[n++] = y;
      xs[n] = rowMax[y];
      ys[n++] = y;
    }
    return MinAreaRect.of(xs, ys, n);
  }

  /** Orders 4 corners as PaddleOCR's get_mini_boxes: top-left, top-right, bottom-right, bottom-left. */
  static double[][] orderCorners(double[][] pts) {
    double[][] p = pts.clone();
    Arrays.sort(p, Comparator.comparingDouble((double[] a) -> a[0]));
    double[] tl, bl, tr, br;
    if (p[1][1] > p[0][1]) {
      tl = p[0];
      bl = p[1];
    } else {
      tl = p[1];
      bl = p[0];
    }
    if (p[3][1] > p[2][1]) {
      tr = p[2];
      br = p[3];
    } else {
      tr = p[3];
      br = p[2];
    }
    return new double[][] {tl, tr, br, bl};
  }

  private static double shortSide(double[][] box) {
    return Math.min(dist(box[0], box[1]), dist(box[1], box[2]));
  }

  /** Mean probability over the pixels whose centres fall inside the box (box_score_fast). */
  private static double meanScore(float[] prob, int w, int h, double[][] box) {
    int xmin = clamp((int) Math.floor(min(box, 0)), w - 1), xmax = clamp((int) Math.ceil(max(box, 0)), w - 1);
    int ymin = clamp((int) Math.floor(min(box, 1)), h - 1), ymax = clamp((int) Math.ceil(max(box, 1)), h - 1);
    double sum = 0;
    int count = 0;
    for (int y = ymin; y <= ymax; y++)
      for (int x = xmin; x <= xmax; x++)
        if (inside(box, x, y)) {
          sum += prob[y * w + x];
          count++;
        }
    return count == 0 ? 0 : sum / count;
  }

  /** Point in convex quadrilateral (either winding), boundary included. */
  private static boolean inside(double[][] q, double x, double y) {
    boolean pos = false, neg = false;
    for (int i = 0; i < 4; i++) {
      double[] a = q[i], b = q[(i + 1) % 4];
      double c = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
      if (c > 1e-9) pos = true;
      if (c < -1e-9) neg = true;
    }
    return !(pos && neg);
  }

  /**
   * Offsets the rectangle outwards by area·ratio/perimeter. For a rectangle the minimum-area box of
   * the rounded offset polygon (what PaddleOCR gets from pyclipper) is the rectangle grown by that
   * distance on every side.
   */
  private double[][] unclip(double[][] box) {
    double width = dist(box[0], box[1]), height = dist(box[1], box[2]);
    double distance = width * height * unclipRatio / (2 * (width + height));
    double ux = (box[1][0] - box[0][0]) / width, uy = (box[1][1] - box[0][1]) / width;
    double vx = (box[3][0] - box[0][0]) / height, vy = (box[3][1] - box[0][1]) / height;
    double[][] out = new double[4][];
    double[] su = {-1, 1, 1, -1}, sv = {-1, -1, 1, 1};
    for (int i = 0; i < 4; i++)
      out[i] =
          new double[] {
            box[i][0] + distance * (su[i] * ux + sv[i] * vx), box[i][1] + distance * (su[i] * uy + sv[i] * vy)
          };
    return out;
  }

  private static TextBox scale(double[][] box, DetInput in) {
    double[][] out = new double[4][];
    for (int i = 0; i < 4; i++) {
      double x = Math.round(box[i][0] / in.width() * in.sourceWidth());
      double y = Math.round(box[i][1] / in.height() * in.sourceHeight());
      out[i] = new double[] {clampD(x, in.sourceWidth() - 1), clampD(y, in.sourceHeight() - 1)};
    }
    return new TextBox(out);
  }

  /** Top-to-bottom, then left-to-right for boxes whose tops are within 10 px (PaddleOCR's sorted_boxes). */
  static List<TextBox> readingOrder(List<TextBox> boxes) {
    List<TextBox> sorted = new ArrayList<>(boxes);
    sorted.sort(Comparator.comparingDouble((TextBox b) -> b.y(0)).thenComparingDouble(b -> b.x(0)));
    for (int i = 0; i < sorted.size() - 1; i++)
      for (int j = i; j >= 0; j--) {
        TextBox a = sorted.get(j), b = sorted.get(j + 1);
        if (Math.abs(b.y(0) - a.y(0)) < 10 && b.x(0) < a.x(0)) {
          sorted.set(j, b);
          sorted.set(j + 1, a);
        } else break;
      }
    return sorted;
  }

  private static double dist(double[] a, double[] b) {
    return Math.hypot(a[0] - b[0], a[1] - b[1]);
  }

  private static double min(double[][] box, int axis) {
    double m = Double.MAX_VALUE;
    for (double[] p : box) m = Math.min(m, p[axis]);
    return m;
  }

  private static double max(double[][] box, int axis) {
    double m = -Double.MAX_VALUE;
    for (double[] p : box) m = Math.max(m, p[axis]);
    return m;
  }

  private static int clamp(int v, int hi) {
    return Math.max(0, Math.min(hi, v));
  }

  private static double clampD(double v, double hi) {
    return Math.max(0, Math.min(hi, v));
  }
}

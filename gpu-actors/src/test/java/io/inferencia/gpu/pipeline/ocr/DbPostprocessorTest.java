package io.inferencia.gpu.pipeline.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DbPostprocessorTest {
  @Test
  void fitsARotatedRegionAndScalesItBack() {
    int w = 200, h = 200;
    float[] prob = new float[w * h];
    // A 100 x 20 bar rotated by 20 degrees around (100, 100).
    double a = Math.toRadians(20);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        double u = (x - 100) * Math.cos(a) + (y - 100) * Math.sin(a);
        double v = -(x - 100) * Math.sin(a) + (y - 100) * Math.cos(a);
        if (Math.abs(u) <= 50 && Math.abs(v) <= 10) prob[y * w + x] = 0.9f;
      }
    // The source image was twice the detector's input size.
    List<TextBox> boxes = DbPostprocessor.withDefaults().boxes(prob, new DetInput(new float[0], w, h, 400, 400));
    assertEquals(1, boxes.size());
    double[][] p = boxes.get(0).points();
    double top = Math.hypot(p[1][0] - p[0][0], p[1][1] - p[0][1]);
    double side = Math.hypot(p[3][0] - p[0][0], p[3][1] - p[0][1]);
    // Unclip grows each side by area*1.5/perimeter = 100*20*1.5/240 = 12.5, so 125 x 45, doubled.
    assertEquals(250, top, 6);
    assertEquals(90, side, 6);
    assertEquals(Math.toDegrees(a), Math.toDegrees(Math.atan2(p[1][1] - p[0][1], p[1][0] - p[0][0])), 1.5);
    assertTrue(p[0][0] < p[1][0] && p[1][1] < p[2][1], "clockwise from top-left");
  }

  @Test
  void ordersBoxesTopToBottomThenLeftToRight() {
    TextBox right = box(100, 12), left = box(10, 15), below = box(10, 60);
    assertEquals(List.of(left, right, below), DbPostprocessor.readingOrder(List.of(below, right, left)));
  }

  private static TextBox box(double x, double y) {
    return new TextBox(new double[][] {{x, y}, {x + 50, y}, {x + 50, y + 20}, {x, y + 20}});
  }
}

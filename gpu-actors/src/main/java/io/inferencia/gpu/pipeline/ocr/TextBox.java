package io.inferencia.gpu.pipeline.ocr;

/** Four corner points of a detected text region in original-image pixels, clockwise from top-left. */
public record TextBox(double[][] points) {
  public TextBox {
    if (points.length != 4) throw new IllegalArgumentException("a text box has 4 points");
  }

  public double x(int i) {
    return points[i][0];
  }

  public double y(int i) {
    return points[i][1];
  }
}

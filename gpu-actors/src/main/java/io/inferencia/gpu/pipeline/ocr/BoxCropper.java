package io.inferencia.gpu.pipeline.ocr;

import io.inferencia.gpu.pipeline.image.BgrImage;
import io.inferencia.gpu.pipeline.image.ImageOps;

/**
 * Cuts a text box out of the image as an upright rectangle (PaddleOCR's get_rotate_crop_image):
 * perspective-rectified, and turned 90° counter-clockwise when it is much taller than wide, since the
 * recogniser reads horizontal lines.
 */
public final class BoxCropper {
  private BoxCropper() {}

  public static BgrImage crop(BgrImage image, TextBox box) {
    double[][] p = box.points();
    int width = (int) Math.max(dist(p[0], p[1]), dist(p[2], p[3]));
    int height = (int) Math.max(dist(p[0], p[3]), dist(p[1], p[2]));
    BgrImage crop = ImageOps.warpQuad(image, p, Math.max(1, width), Math.max(1, height));
    if ((double) crop.height() / crop.width() >= 1.5) crop = ImageOps.rotate90CounterClockwise(crop);
    return crop;
  }

  private static double dist(double[] a, double[] b) {
    return Math.hypot(a[0] - b[0], a[1] - b[1]);
  }
}

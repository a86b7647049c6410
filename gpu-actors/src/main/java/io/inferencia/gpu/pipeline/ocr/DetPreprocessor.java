package io.inferencia.gpu.pipeline.ocr;

import io.inferencia.gpu.pipeline.image.BgrImage;
import io.inferencia.gpu.pipeline.image.ImageOps;

/**
 * PP-OCR detection pre-processing: longer side at most {@code limitSide}, each side rounded to a
 * multiple of 32 (the network downsamples by 32), then ImageNet mean/std per BGR channel, HWC to CHW.
 */
public final class DetPreprocessor {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};
  private final int limitSide;

  public DetPreprocessor(int limitSide) {
    this.limitSide = limitSide;
  }

  public DetInput prepare(BgrImage image) {
    int w = image.width(), h = image.height();
    double ratio = Math.max(w, h) > limitSide ? (double) limitSide / Math.max(w, h) : 1.0;
    int rw = roundTo32((int) (w * ratio));
    int rh = roundTo32((int) (h * ratio));
    BgrImage resized = ImageOps.resize(image, rw, rh);
    int plane = rw * rh;
    float[] chw = new float[3 * plane];
    byte[] p = resized.pixels();
    for (int i = 0; i < plane; i++)
      for (int c = 0; c < 3; c++)
        chw[c * plane + i] = ((p[i * 3 + c] & 0xFF) / 255f - MEAN[c]) / STD[c];
    return new DetInput(chw, rw, rh, w, h);
  }

  private static int roundTo32(int side) {
    return Math.max(32, (int) Math.round(side / 32.0) * 32);
  }
}

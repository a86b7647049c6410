package io.inferencia.gpu.pipeline.ocr;

import io.inferencia.gpu.pipeline.image.BgrImage;
import io.inferencia.gpu.pipeline.image.ImageOps;

/**
 * Classifier/recogniser input: height 48, width ceil(48·w/h) capped at the tensor width (wider crops
 * are squeezed), (x/255 − 0.5)/0.5 per BGR channel, zero-padded on the right to a fixed width so a
 * crop's result never depends on the other crops in its batch.
 */
public final class CropNormalizer {
  public static final int HEIGHT = 48;
  private final int width;

  public CropNormalizer(int width) {
    this.width = width;
  }

  public int width() {
    return width;
  }

  /** Floats per crop in the batch tensor (3 × 48 × width). */
  public int cropSize() {
    return 3 * HEIGHT * width;
  }

  /** Writes one crop's CHW tensor at {@code offset} of {@code dst} (which must be zero there). */
  public void write(BgrImage crop, float[] dst, int offset) {
    int resizedWidth = (int) Math.min(width, Math.ceil(HEIGHT * (double) crop.width() / crop.height()));
    BgrImage resized = ImageOps.resize(crop, Math.max(1, resizedWidth), HEIGHT);
    byte[] p = resized.pixels();
    int plane = HEIGHT * width;
    for (int y = 0; y < HEIGHT; y++)
      for (int x = 0; x < resized.width(); x++) {
        int src = (y * resized.width() + x) * 3;
        for (int c = 0; c < 3; c++)
          dst[offset + c * plane + y * width + x] = ((p[src + c] & 0xFF) / 255f - 0.5f) / 0.5f;
      }
  }
}

package io.inferencia.gpu.pipeline.image;

/**
 * An 8-bit image in BGR channel order, interleaved row-major (HWC): the layout the PaddleOCR models
 * were trained on (OpenCV's default).
 */
public record BgrImage(int width, int height, byte[] pixels) {
  public BgrImage {
    if (width <= 0 || height <= 0 || pixels.length != width * height * 3)
      throw new IllegalArgumentException("bad image geometry " + width + "x" + height);
  }

  /** Channel value 0..255 at (x, y), channel 0 = blue. */
  public int at(int x, int y, int channel) {
    return pixels[(y * width + x) * 3 + channel] & 0xFF;
  }
}

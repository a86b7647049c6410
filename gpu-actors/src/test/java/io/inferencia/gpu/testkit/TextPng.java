package io.inferencia.gpu.testkit;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** One short word in black on white, 200x80 pixels, as PNG bytes: the smallest input OCR reads. */
public final class TextPng {
  private TextPng() {}

  public static byte[] of(String text) {
    BufferedImage image = new BufferedImage(200, 80, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 200, 80);
    g.setColor(Color.BLACK);
    g.setFont(new Font("SansSerif", Font.PLAIN, 32));
    g.drawString(text, 30, 52);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

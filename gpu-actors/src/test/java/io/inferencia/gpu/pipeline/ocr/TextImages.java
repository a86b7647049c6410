package io.inferencia.gpu.pipeline.ocr;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/** Renders black text on white with Java2D, for OCR tests that need no stored images. */
final class TextImages {
  private TextImages() {}

  static BufferedImage render(List<String> lines, String family, int points) {
    Font font = new Font(family, Font.PLAIN, points);
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D pg = probe.createGraphics();
    FontMetrics fm = pg.getFontMetrics(font);
    pg.dispose();
    int margin = points;
    int lineHeight = (int) (fm.getHeight() * 1.6);
    int width = lines.stream().mapToInt(fm::stringWidth).max().orElse(0) + 2 * margin;
    int height = lineHeight * lines.size() + 2 * margin;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(font);
    for (int i = 0; i < lines.size(); i++) g.drawString(lines.get(i), margin, margin + i * lineHeight + fm.getAscent());
    g.dispose();
    return image;
  }

  static BufferedImage rotate180(BufferedImage src) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(src, AffineTransform.getRotateInstance(Math.PI, src.getWidth() / 2.0, src.getHeight() / 2.0), null);
    g.dispose();
    return out;
  }

  /** The image turned by {@code degrees} about its centre onto a larger white canvas. */
  static BufferedImage rotate(BufferedImage src, double degrees) {
    int side = (int) Math.hypot(src.getWidth(), src.getHeight());
    BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, side, side);
    AffineTransform t = AffineTransform.getRotateInstance(Math.toRadians(degrees), side / 2.0, side / 2.0);
    t.translate((side - src.getWidth()) / 2.0, (side - src.getHeight()) / 2.0);
    g.drawImage(src, t, null);
    g.dispose();
    return out;
  }

  static byte[] encode(BufferedImage image, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(image, format, out)) throw new IllegalStateException("no writer for " + format);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

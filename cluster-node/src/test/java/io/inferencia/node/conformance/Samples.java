package io.inferencia.node.conformance;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Real inputs for the shipped models: rendered text, the committed speech recording, crafted files. */
public final class Samples {
  private Samples() {}

  /** Elements of one ocr_cls input, 3x48x192. */
  static final int CLS_ELEMENTS = 3 * 48 * 192;

  /** {@code batch} deterministic ocr_cls inputs in the model's normalized range [-1, 1). */
  public static float[] clsInput(int batch, long seed) {
    Random random = new Random(seed);
    float[] v = new float[batch * CLS_ELEMENTS];
    for (int i = 0; i < v.length; i++) v[i] = random.nextFloat() * 2 - 1;
    return v;
  }

  /** One BYTES element as raw tensor data: its 4-byte little-endian length, then the bytes. */
  public static byte[] bytesElement(byte[] element) {
    return ByteBuffer.allocate(4 + element.length).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putInt(element.length).put(element).array();
  }

  /** Black text on white, as a PNG. */
  public static byte[] renderPng(String text) {
    return renderPng(List.of(text), 520, 40);
  }

  /** Lines of black text on white, as a PNG {@code width} pixels wide, in a sans-serif of {@code points}. */
  public static byte[] renderPng(List<String> lines, int width, int points) {
    int firstBaseline = 20 + points;
    int pitch = Math.round(points * 1.7f);
    int height = firstBaseline + (lines.size() - 1) * pitch + 30;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, points));
    for (int i = 0; i < lines.size(); i++) g.drawString(lines.get(i), 20, firstBaseline + i * pitch);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A well-formed PNG header (signature, IHDR with a valid CRC, empty IEND) claiming width x height. */
  public static byte[] pngHeaderClaiming(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** The committed recording (gpu-actors test resources): 22.05 kHz mono 16-bit, speech ~1520-4560 ms. */
  public static byte[] speechWav() {
    try (InputStream in = Samples.class.getResourceAsStream("/audio/speech_22050_mono.wav")) {
      if (in == null) throw new IllegalStateException("audio/speech_22050_mono.wav not on the test classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

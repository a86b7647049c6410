package io.inferencia.gpu.pipeline.image;

import io.inferencia.protocols.inference.InferenceException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG/JPEG (any format ImageIO reads) into a {@link BgrImage}. The size is read from the
 * header before any pixel is decoded, so a decompression bomb is refused instead of exhausting memory.
 */
public final class ImageDecoder {
  private final long maxPixels;
  private final DecodeBudget budget;

  /** The decoded image with its share of the node's {@link DecodeBudget}: close it when the pixels are no longer needed. */
  public record Decoded(BgrImage image, DecodeBudget.Lease lease) implements AutoCloseable {
    @Override
    public void close() {
      lease.close();
    }
  }

  public ImageDecoder(long maxPixels, DecodeBudget budget) {
    this.maxPixels = maxPixels;
    this.budget = budget;
  }

  public Decoded decode(byte[] data) {
    if (data.length == 0) throw InferenceException.invalid("image is empty");
    // A memory-backed stream: no temp files, no dependency on ImageIO's global cache setting.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext())
        throw InferenceException.invalid("image data is not a supported format (PNG or JPEG expected)");
      ImageReader reader = readers.next();
      try {
        String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
        if (!format.equals("png") && !format.equals("jpeg"))
          throw InferenceException.invalid("image format " + format + " is not supported (PNG or JPEG expected)");
        reader.setInput(in, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width <= 0 || height <= 0)
          throw InferenceException.invalid("image header declares an empty size " + width + "x" + height);
        if (width * height > maxPixels)
          throw InferenceException.invalid(
              "image is " + width + "x" + height + " = " + width * height
                  + " pixels, over the limit of " + maxPixels);
        DecodeBudget.Lease lease = budget.reserve(width * height * bytesPerPixel(reader), width, height);
        try {
          return new Decoded(toBgr(reader.read(0)), lease);
        } catch (IOException | RuntimeException e) {
          lease.close();
          throw e;
        }
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InferenceException ie) throw ie;
      // ImageIO reports corrupt data with IOException or assorted runtime exceptions.
      throw InferenceException.invalid(
          "image data is corrupt or truncated: " + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
    }
  }

  /** 3 for sources decoded straight into BGR; 7 for the others, which are held while drawn into BGR. */
  private static long bytesPerPixel(ImageReader reader) throws IOException {
    // read(0) decodes into the reader's first destination type.
    Iterator<javax.imageio.ImageTypeSpecifier> types = reader.getImageTypes(0);
    return types.hasNext() && types.next().getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR ? 3 : 7;
  }

  /** Draws any colour model (grey, palette, alpha over white) into 3-byte BGR. */
  private static BgrImage toBgr(BufferedImage src) {
    BufferedImage bgr = src;
    if (src.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      bgr = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = bgr.createGraphics();
      try {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, src.getWidth(), src.getHeight());
        g.drawImage(src, 0, 0, null);
      } finally {
        g.dispose();
      }
    }
    byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    return new BgrImage(bgr.getWidth(), bgr.getHeight(), pixels);
  }
}

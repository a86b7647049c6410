package io.inferencia.gpu.pipeline.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Decoded images hold their pixels' bytes of the node's decode budget until closed; what does not fit is refused. */
class ImageDecoderBudgetTest {
  private static final int MB = 1 << 20;

  @Test
  void anImageLargerThanTheWholeBudgetIsRefusedWithAClearReason() throws IOException {
    ImageDecoder decoder = new ImageDecoder(40_000_000, new DecodeBudget(MB));
    InferenceException e = assertThrows(InferenceException.class, () -> decoder.decode(png(800, 600, BufferedImage.TYPE_INT_RGB)));
    assertEquals(ErrorKind.RESOURCE_EXHAUSTED, e.kind());
    assertTrue(e.getMessage().contains("800x600") && e.getMessage().contains("-Xmx"), e.getMessage());
  }

  @Test
  void imagesHeldAtOnceShareTheBudgetAndGiveItBack() throws IOException {
    DecodeBudget budget = new DecodeBudget(2 * MB);
    ImageDecoder decoder = new ImageDecoder(40_000_000, budget);
    byte[] page = png(800, 600, BufferedImage.TYPE_INT_RGB); // decoded as 3-byte BGR: 1.44 MB
    ImageDecoder.Decoded first = decoder.decode(page);
    assertEquals(800 * 600 * 3L, budget.reservedBytes());
    assertEquals(800, first.image().width());
    InferenceException busy = assertThrows(InferenceException.class, () -> decoder.decode(page).close());
    assertEquals(ErrorKind.RESOURCE_EXHAUSTED, busy.kind());
    assertTrue(busy.getMessage().contains("retry"), busy.getMessage());
    first.close();
    first.close(); // a second close gives nothing back twice
    assertEquals(0, budget.reservedBytes());
    try (ImageDecoder.Decoded again = decoder.decode(page)) {
      assertEquals(600, again.image().height());
    }
    assertEquals(0, budget.reservedBytes());
  }

  @Test
  void greySourcesReserveTheirConversionToo() throws IOException {
    DecodeBudget budget = new DecodeBudget(16 * MB);
    try (ImageDecoder.Decoded grey = new ImageDecoder(40_000_000, budget).decode(png(400, 300, BufferedImage.TYPE_BYTE_GRAY))) {
      assertEquals(400 * 300 * 7L, budget.reservedBytes());
      assertEquals(400 * 300 * 3, grey.image().pixels().length);
    }
  }

  @Test
  void corruptDataGivesItsReservationBack() throws IOException {
    DecodeBudget budget = new DecodeBudget(16 * MB);
    byte[] page = png(400, 300, BufferedImage.TYPE_INT_RGB);
    byte[] truncated = java.util.Arrays.copyOf(page, page.length / 2);
    InferenceException e = assertThrows(InferenceException.class, () -> new ImageDecoder(40_000_000, budget).decode(truncated));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals(0, budget.reservedBytes());
  }

  private static byte[] png(int width, int height, int type) throws IOException {
    BufferedImage image = new BufferedImage(width, height, type);
    java.awt.Graphics2D g = image.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(java.awt.Color.BLACK);
    g.drawString("budget", 10, 20);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}

package io.inferencia.gpu.pipeline.ocr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import com.typesafe.config.ConfigFactory;
import io.inferencia.gpu.pipeline.DirectOrtInferer;
import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OcrPipelineTest {
  private static DirectOrtInferer inferer;
  private static ExecutorService blocking;
  private static PipelineModel ocr;

  @BeforeAll
  static void setUp() throws Exception {
    Path repo = DirectOrtInferer.repository();
    inferer = new DirectOrtInferer(repo, Map.of("ocr_det", 4, "ocr_cls", 64, "ocr_rec", 32));
    blocking = Executors.newFixedThreadPool(2);
    ocr = pipeline(ConfigFactory.empty());
  }

  private static PipelineModel pipeline(com.typesafe.config.Config settings) throws Exception {
    Path repo = DirectOrtInferer.repository();
    ModelConfig.Builder config = ModelConfig.newBuilder();
    TextFormat.merge(Files.readString(repo.resolve("ocr/config.pbtxt")), config);
    return new OcrPipelineFactory()
        .create(config.build(), repo.resolve("ocr"), new PipelineContext(inferer, blocking, settings));
  }

  @AfterAll
  static void tearDown() throws Exception {
    inferer.close();
    blocking.shutdown();
  }

  @ParameterizedTest
  @CsvSource({
    "Hello World 2024, Serif, 40",
    "Hello World 2024, SansSerif, 40",
    "Hello World 2024, Monospaced, 24",
    "INVOICE 12345, Serif, 44",
    "INVOICE 12345, SansSerif, 40",
    "INVOICE 12345, Monospaced, 24",
    "pekko streams, Serif, 20",
    "pekko streams, SansSerif, 24",
    "pekko streams, Monospaced, 32",
    "Order 7781 shipped, SansSerif, 20",
    "Total 42.50, Serif, 48",
  })
  void readsRenderedText(String text, String font, int points) {
    BufferedImage image = TextImages.render(List.of(text), font, points);
    InferResponse response = run(TextImages.encode(image, "png"));
    assertEquals(List.of(text), texts(response), response.output(OcrPipeline.RESULT_JSON).orElseThrow().asStrings().get(0) + " image " + image.getWidth() + "x" + image.getHeight());
    float[] conf = response.output(OcrPipeline.CONFIDENCE).orElseThrow().asFloats();
    assertTrue(conf[0] > 0.8f, "confidence " + conf[0]);
    float[] box = response.output(OcrPipeline.BOX).orElseThrow().asFloats();
    assertArrayEquals(new long[] {1, 4, 2}, response.output(OcrPipeline.BOX).orElseThrow().shape());
    // Clockwise from top-left, inside the image and around the text.
    assertTrue(box[0] < box[2] && box[1] < box[5], Arrays.toString(box));
    assertTrue(box[2] <= image.getWidth() && box[5] <= image.getHeight(), Arrays.toString(box));
  }

  /**
   * A sweep over fonts and sizes with the default boxes (unclip 2.0); prints the accuracy so the report can
   * quote it. Observed: 65/72 exact; the misses are O/0 in Monospaced and one lost space.
   */
  @Test
  void accuracyAcrossFontsAndSizes() {
    int[] counts = sweep(ocr, "unclip 2.0");
    assertTrue(counts[0] >= 62, "exact " + counts[0]);
  }

  /**
   * PaddleOCR's tighter 1.5 ratio. Observed: 48/72 exact, 68/72 ignoring spaces: the Chinese-trained
   * recogniser drops narrow inter-word spaces in tight boxes, which is why the default is 2.0.
   */
  @Test
  void tighterBoxesLoseWordSpaces() throws Exception {
    int[] counts = sweep(pipeline(ConfigFactory.parseMap(Map.of("pipelines.ocr.unclip-ratio", 1.5))), "unclip 1.5");
    assertTrue(counts[1] >= 66, "ignoring spaces " + counts[1]);
    assertTrue(counts[0] >= 44, "exact " + counts[0]);
  }

  /** Exact and space-insensitive matches over 3 phrases x 3 fonts x 8 sizes. */
  private static int[] sweep(PipelineModel pipeline, String label) {
    List<String> phrases = List.of("Hello World 2024", "INVOICE 12345", "pekko streams");
    int total = 0, exact = 0, ignoringSpaces = 0;
    StringBuilder misses = new StringBuilder();
    for (String font : List.of("Serif", "SansSerif", "Monospaced"))
      for (int points = 20; points <= 48; points += 4)
        for (String phrase : phrases) {
          List<String> got = texts(run(pipeline, TextImages.encode(TextImages.render(List.of(phrase), font, points), "png")));
          String read = String.join(" ", got);
          total++;
          if (read.equals(phrase)) exact++;
          else misses.append(font).append(' ').append(points).append(": ").append(read).append('\n');
          if (read.replace(" ", "").equals(phrase.replace(" ", ""))) ignoringSpaces++;
        }
    System.out.printf("OCR sweep (%s): %d images, %d exact, %d exact ignoring spaces%n%s", label, total, exact, ignoringSpaces, misses);
    return new int[] {exact, ignoringSpaces};
  }

  @Test
  void readsUpsideDownText() {
    BufferedImage image = TextImages.rotate180(TextImages.render(List.of("Hello World 2024"), "Serif", 36));
    assertEquals(List.of("Hello World 2024"), texts(run(TextImages.encode(image, "png"))));
  }

  @Test
  void readsRotatedTextThroughAPerspectiveCrop() {
    BufferedImage image = TextImages.rotate(TextImages.render(List.of("pekko streams"), "SansSerif", 40), 8);
    InferResponse response = run(TextImages.encode(image, "png"));
    assertEquals(List.of("pekko streams"), texts(response));
    float[] b = response.output(OcrPipeline.BOX).orElseThrow().asFloats();
    double angle = Math.toDegrees(Math.atan2(b[3] - b[1], b[2] - b[0]));
    assertEquals(8, angle, 2, "box follows the text's slope");
  }

  /** Tall crops are turned upright (90° counter-clockwise), then the classifier fixes the 180° case. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {90, -90})
  void readsVerticalText(int degrees) {
    BufferedImage image = TextImages.rotate(TextImages.render(List.of("INVOICE"), "SansSerif", 40), degrees);
    assertEquals(List.of("INVOICE"), texts(run(TextImages.encode(image, "png"))));
  }

  @Test
  void readsGreyAndTransparentPngs() {
    BufferedImage text = TextImages.render(List.of("pekko"), "SansSerif", 40);
    BufferedImage grey = new BufferedImage(text.getWidth(), text.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    grey.getGraphics().drawImage(text, 0, 0, null);
    assertEquals(List.of("pekko"), texts(run(TextImages.encode(grey, "png"))));
    // Black text on a fully transparent background: composited over white.
    BufferedImage clear = new BufferedImage(text.getWidth(), text.getHeight(), BufferedImage.TYPE_INT_ARGB);
    java.awt.Graphics2D g = clear.createGraphics();
    g.setColor(java.awt.Color.BLACK);
    g.setFont(new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 40));
    g.drawString("pekko", 40, 80);
    g.dispose();
    assertEquals(List.of("pekko"), texts(run(TextImages.encode(clear, "png"))));
  }

  @Test
  void mapsBoxesBackToTheOriginalScale() {
    // 2400 px wide: the detector sees it at 960, so boxes must be scaled back by 2.5.
    BufferedImage image = new BufferedImage(2400, 600, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = image.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, 2400, 600);
    g.setColor(java.awt.Color.BLACK);
    java.awt.Font font = new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 100);
    g.setFont(font);
    g.drawString("INVOICE", 900, 350);
    int textWidth = g.getFontMetrics().stringWidth("INVOICE");
    g.dispose();
    InferResponse response = run(TextImages.encode(image, "png"));
    assertEquals(List.of("INVOICE"), texts(response));
    float[] b = response.output(OcrPipeline.BOX).orElseThrow().asFloats();
    assertEquals(900, b[0], 40, Arrays.toString(b));
    assertEquals(900 + textWidth, b[2], 40, Arrays.toString(b));
    assertTrue(b[1] < 280 && b[5] > 340, "box spans the capitals: " + Arrays.toString(b));
  }

  @Test
  void readsTwoLinesTopToBottom() {
    BufferedImage image = TextImages.render(List.of("INVOICE", "pekko streams"), "SansSerif", 30);
    InferResponse response = run(TextImages.encode(image, "png"));
    assertEquals(List.of("INVOICE", "pekko streams"), texts(response));
    String json = response.output(OcrPipeline.RESULT_JSON).orElseThrow().asStrings().get(0);
    assertTrue(json.startsWith("[{\"text\":\"INVOICE\",\"confidence\":"), json);
    assertTrue(json.contains("\"box\":[["), json);
    assertEquals(0, io.inferencia.gpu.pipeline.image.DecodeBudget.HEAP.reservedBytes(), "the page's pixels were given back");
  }

  @Test
  void readsJpeg() {
    BufferedImage image = TextImages.render(List.of("Hello World 2024"), "Serif", 40);
    assertEquals(List.of("Hello World 2024"), texts(run(TextImages.encode(image, "jpg"))));
  }

  @Test
  void chunksManyLinesWithinModelBatchLimits() {
    List<String> lines = new java.util.ArrayList<>();
    for (int i = 1; i <= 36; i++) lines.add("Line " + (100 + i));
    BufferedImage image = TextImages.render(lines, "SansSerif", 22);
    int recCalls = inferer.calls("ocr_rec");
    assertEquals(lines, texts(run(TextImages.encode(image, "png"))));
    assertEquals(2, inferer.calls("ocr_rec") - recCalls, "36 crops = 2 requests of at most 32");
    assertTrue(inferer.largestBatch("ocr_rec") <= 32);
  }

  @Test
  void blankImageHasNoText() {
    BufferedImage image = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
    InferResponse response = run(TextImages.encode(image, "png"));
    assertEquals(List.of(), texts(response));
    assertArrayEquals(new long[] {0, 4, 2}, response.output(OcrPipeline.BOX).orElseThrow().shape());
    assertEquals(List.of("[]"), response.output(OcrPipeline.RESULT_JSON).orElseThrow().asStrings());
  }

  @Test
  void rejectsTruncatedPng() {
    byte[] png = TextImages.encode(TextImages.render(List.of("truncated"), "SansSerif", 30), "png");
    assertInvalid(Arrays.copyOf(png, png.length / 2), "corrupt");
  }

  @Test
  void rejectsText() {
    assertInvalid("just some text, not an image".getBytes(StandardCharsets.UTF_8), "not a supported format");
  }

  @Test
  void rejectsEmptyImage() {
    assertInvalid(new byte[0], "empty");
  }

  @Test
  void rejectsDecompressionBomb() {
    assertInvalid(pngHeaderOnly(100_000, 100_000), "over the limit");
  }

  @Test
  void rejectsWrongInput() {
    InferRequest wrongName =
        InferRequest.of("ocr", List.of(Tensor.ofBytes("PICTURE", new long[] {1}, List.of(new byte[] {1}))));
    assertEquals(ErrorKind.INVALID_ARGUMENT, failure(wrongName).kind());
    InferRequest wrongType = InferRequest.of("ocr", List.of(Tensor.ofFloats("IMAGE", new long[] {1}, new float[] {1})));
    InferenceException e = failure(wrongType);
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("BYTES"), e.getMessage());
  }

  private static void assertInvalid(byte[] image, String messagePart) {
    InferenceException e = failure(request(image));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  private static InferenceException failure(InferRequest request) {
    CompletionException e =
        assertThrows(CompletionException.class, () -> ocr.infer(request).toCompletableFuture().join());
    return assertInstanceOf(InferenceException.class, e.getCause());
  }

  /** A PNG signature and an IHDR chunk (with a valid CRC) claiming the given size, and nothing else. */
  private static byte[] pngHeaderOnly(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit RGB
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
    return png.array();
  }

  private static InferRequest request(byte[] image) {
    return InferRequest.of("ocr", List.of(Tensor.ofBytes("IMAGE", new long[] {1}, List.of(image))));
  }

  private static InferResponse run(byte[] image) {
    return run(ocr, image);
  }

  private static InferResponse run(PipelineModel pipeline, byte[] image) {
    InferResponse response = pipeline.infer(request(image)).toCompletableFuture().join();
    assertEquals(DataType.BYTES, response.output(OcrPipeline.TEXT).orElseThrow().datatype());
    return response;
  }

  private static List<String> texts(InferResponse response) {
    return response.output(OcrPipeline.TEXT).orElseThrow().asStrings();
  }
}

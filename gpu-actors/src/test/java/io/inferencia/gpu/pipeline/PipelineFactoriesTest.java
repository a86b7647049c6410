package io.inferencia.gpu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import com.typesafe.config.ConfigFactory;
import io.inferencia.gpu.pipeline.ocr.OcrPipelineFactory;
import io.inferencia.gpu.pipeline.vad.VadPipelineFactory;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelParameter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineFactoriesTest {
  private static final PipelineContext NO_MODELS =
      new PipelineContext(
          r -> CompletableFuture.failedFuture(new AssertionError("no model call expected")),
          Runnable::run,
          ConfigFactory.empty());

  @Test
  void backendsMatchTheConfigs() throws Exception {
    assertEquals(config("ocr").getBackend(), new OcrPipelineFactory().backend());
    assertEquals(config("vad_segments").getBackend(), new VadPipelineFactory().backend());
  }

  @Test
  void ocrPixelLimitComesFromSettings() throws Exception {
    PipelineContext context =
        new PipelineContext(NO_MODELS.inferer(), Runnable::run, ConfigFactory.parseMap(Map.of("pipelines.ocr.max-image-pixels", 1000)));
    PipelineModel ocr = new OcrPipelineFactory().create(config("ocr"), repo().resolve("ocr"), context);
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 40, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", png);
    InferRequest request =
        InferRequest.of("ocr", List.of(Tensor.ofBytes("IMAGE", new long[] {1}, List.of(png.toByteArray()))));
    CompletionException e = assertThrows(CompletionException.class, () -> ocr.infer(request).toCompletableFuture().join());
    InferenceException cause = (InferenceException) e.getCause();
    assertEquals(ErrorKind.INVALID_ARGUMENT, cause.kind());
    assertTrue(cause.getMessage().contains("1600 pixels, over the limit of 1000"), cause.getMessage());
  }

  @Test
  void dictionaryParameterOverridesTheDefault(@TempDir Path dir) throws Exception {
    Path modelDir = Files.createDirectories(dir.resolve("ocr"));
    ModelConfig missing =
        config("ocr").toBuilder()
            .putParameters("dictionary", ModelParameter.newBuilder().setStringValue("keys.txt").build())
            .build();
    assertThrows(UncheckedIOException.class, () -> new OcrPipelineFactory().create(missing, modelDir, NO_MODELS));
    Files.writeString(modelDir.resolve("keys.txt"), "a\nb\n");
    new OcrPipelineFactory().create(missing, modelDir, NO_MODELS);
  }

  @Test
  void ocrWithoutADictionaryFailsToBuild(@TempDir Path dir) throws Exception {
    Path modelDir = Files.createDirectories(dir.resolve("ocr"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new OcrPipelineFactory().create(config("ocr"), modelDir, NO_MODELS));
    assertTrue(e.getMessage().contains("dictionary"), e.getMessage());
  }

  @Test
  void configsWithoutTheExpectedInputAreRefused() throws Exception {
    ModelConfig wrong =
        config("vad_segments").toBuilder().setInput(0, config("vad_segments").getInput(0).toBuilder().setName("WAV")).build();
    assertThrows(
        IllegalArgumentException.class,
        () -> new VadPipelineFactory().create(wrong, repo().resolve("vad_segments"), NO_MODELS));
  }

  private static Path repo() {
    return DirectOrtInferer.repository();
  }

  private static ModelConfig config(String model) throws Exception {
    ModelConfig.Builder b = ModelConfig.newBuilder();
    TextFormat.merge(Files.readString(repo().resolve(model).resolve("config.pbtxt")), b);
    return b.build();
  }
}

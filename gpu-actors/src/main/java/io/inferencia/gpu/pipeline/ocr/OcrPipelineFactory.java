package io.inferencia.gpu.pipeline.ocr;

import io.inferencia.gpu.pipeline.PipelineContext;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.gpu.pipeline.PipelineSettings;
import io.inferencia.gpu.pipeline.SiblingModels;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the OCR pipeline for a config.pbtxt with backend "ocr_pipeline". Optional config parameters:
 * {@code det_model}, {@code cls_model}, {@code rec_model} (default ocr_det, ocr_cls, ocr_rec) and
 * {@code dictionary} (a path, relative ones against the pipeline's directory; default the
 * ppocr_keys_v1.txt in the recogniser's latest version directory).
 */
public final class OcrPipelineFactory implements PipelineFactory {
  public static final String BACKEND = "ocr_pipeline";
  public static final String DICTIONARY_FILE = "ppocr_keys_v1.txt";

  @Override
  public String backend() {
    return BACKEND;
  }

  @Override
  public PipelineModel create(ModelConfig config, Path modelDir, PipelineContext context) {
    PipelineSettings.requireStringInput(config, OcrPipeline.INPUT);
    Path repository = SiblingModels.repository(modelDir);
    String det = PipelineSettings.parameter(config, "det_model", "ocr_det");
    String cls = PipelineSettings.parameter(config, "cls_model", "ocr_cls");
    String rec = PipelineSettings.parameter(config, "rec_model", "ocr_rec");
    OcrModels models =
        new OcrModels(
            det, cls, rec,
            SiblingModels.maxBatchSize(repository, cls, 64),
            SiblingModels.maxBatchSize(repository, rec, 32));
    Path dictionary = dictionaryPath(config, modelDir, repository, rec);
    PipelineSettings settings = new PipelineSettings(context.settings());
    return new OcrPipeline(
        config.getName().isEmpty() ? modelDir.getFileName().toString() : config.getName(),
        models,
        new CtcDecoder(readDictionary(dictionary)),
        context.inferer(),
        context.blockingExecutor(),
        OcrSettings.from(settings));
  }

  private static Path dictionaryPath(ModelConfig config, Path modelDir, Path repository, String rec) {
    String configured = PipelineSettings.parameter(config, "dictionary", "");
    if (!configured.isEmpty()) return modelDir.resolve(configured);
    return SiblingModels.versionFile(repository, rec, DICTIONARY_FILE)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no " + DICTIONARY_FILE + " in any version of " + repository.resolve(rec)
                        + "; set the 'dictionary' parameter"));
  }

  static List<String> readDictionary(Path path) {
    try {
      // Lines are taken verbatim: some dictionary entries are punctuation that trimming would break.
      List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
      if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines = lines.subList(0, lines.size() - 1);
      if (lines.isEmpty()) throw new IllegalArgumentException("dictionary " + path + " is empty");
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read OCR dictionary " + path, e);
    }
  }
}

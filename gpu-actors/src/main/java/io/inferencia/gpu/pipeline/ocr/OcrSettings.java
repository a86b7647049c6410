package io.inferencia.gpu.pipeline.ocr;

import io.inferencia.gpu.pipeline.PipelineSettings;

/**
 * Tunables of the OCR pipeline, read from the {@code pipelines.ocr} settings with PaddleOCR's
 * defaults. A larger {@code unclip-ratio} (PaddleOCR's det_db_unclip_ratio) gives looser boxes, which
 * helps the recogniser keep narrow spaces between words.
 */
public record OcrSettings(long maxImagePixels, int detLimitSide, double unclipRatio, float minTextConfidence) {
  public static OcrSettings from(PipelineSettings settings) {
    return new OcrSettings(
        settings.getLong("pipelines.ocr.max-image-pixels", 40_000_000L),
        (int) settings.getLong("pipelines.ocr.det-limit-side", 960),
        settings.getDouble("pipelines.ocr.unclip-ratio", 2.0),
        (float) settings.getDouble("pipelines.ocr.min-text-confidence", 0.5));
  }

  public OcrSettings {
    if (maxImagePixels < 1 || detLimitSide < 32 || unclipRatio <= 0)
      throw new IllegalArgumentException("invalid OCR settings " + this);
  }
}

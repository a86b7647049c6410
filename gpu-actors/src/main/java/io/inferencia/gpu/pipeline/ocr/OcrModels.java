package io.inferencia.gpu.pipeline.ocr;

/** The models the OCR pipeline calls and the largest batch each accepts per request. */
public record OcrModels(
    String detModel, String clsModel, String recModel, int clsMaxBatch, int recMaxBatch) {
  public static final String DET_INPUT = "x";
  public static final String DET_OUTPUT = "sigmoid_0.tmp_0";
  public static final String CLS_INPUT = "x";
  public static final String CLS_OUTPUT = "softmax_0.tmp_0";
  public static final String REC_INPUT = "x";
  public static final String REC_OUTPUT = "softmax_11.tmp_0";

  public OcrModels {
    if (clsMaxBatch < 1 || recMaxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1");
  }
}

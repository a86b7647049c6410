package io.inferencia.gpu.pipeline.ocr;

/** One recognised line: its text, confidence and box in original-image pixels. */
public record OcrLine(String text, float confidence, TextBox box) {}

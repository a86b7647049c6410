package io.inferencia.gpu.pipeline.ocr;

/**
 * The detector's input tensor (CHW, one image) and the geometry needed to map its probability map
 * back to the original image.
 */
public record DetInput(float[] chw, int width, int height, int sourceWidth, int sourceHeight) {}

package io.inferencia.gpu.pipeline.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;

/** Cuts signals into blocks and joins them back, for tests of the block-by-block audio classes. */
final class Blocks {
  private Blocks() {}

  static float[] concat(List<float[]> blocks) {
    int total = 0;
    for (float[] b : blocks) total += b.length;
    float[] out = new float[total];
    int at = 0;
    for (float[] b : blocks) {
      System.arraycopy(b, 0, out, at, b.length);
      at += b.length;
    }
    return out;
  }

  /** Copies of consecutive ranges of {@code signal} with the lengths {@code sizes} gives (0 allowed). */
  static List<float[]> split(float[] signal, IntSupplier sizes) {
    List<float[]> blocks = new ArrayList<>();
    for (int pos = 0; pos < signal.length; ) {
      int size = Math.min(sizes.getAsInt(), signal.length - pos);
      blocks.add(Arrays.copyOfRange(signal, pos, pos + size));
      pos += size;
    }
    return blocks;
  }
}

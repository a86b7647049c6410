package io.inferencia.gpu.pipeline.ocr;

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy CTC decoding over the PP-OCR dictionary: class 0 is the blank, 1..n the dictionary lines,
 * n+1 a space. Repeats collapse, blanks drop; confidence is the mean of the kept maxima.
 */
public final class CtcDecoder {
  private final List<String> classes;

  public CtcDecoder(List<String> dictionary) {
    List<String> c = new ArrayList<>(dictionary.size() + 2);
    c.add("");
    c.addAll(dictionary);
    c.add(" ");
    this.classes = List.copyOf(c);
  }

  public int classCount() {
    return classes.size();
  }

  public record Decoded(String text, float confidence) {}

  /** Decodes one sequence of {@code steps} x {@link #classCount()} probabilities starting at {@code offset}. */
  public Decoded decode(float[] probs, int offset, int steps) {
    int n = classes.size();
    StringBuilder text = new StringBuilder();
    double sum = 0;
    int kept = 0;
    int previous = -1;
    for (int t = 0; t < steps; t++) {
      int base = offset + t * n;
      int best = 0;
      for (int k = 1; k < n; k++) if (probs[base + k] > probs[base + best]) best = k;
      if (best != 0 && best != previous) {
        text.append(classes.get(best));
        sum += probs[base + best];
        kept++;
      }
      previous = best;
    }
    return new Decoded(text.toString(), kept == 0 ? 0f : (float) (sum / kept));
  }
}

package io.inferencia.gpu.pipeline.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CtcDecoderTest {
  @Test
  void collapsesRepeatsDropsBlanksAndMapsTheLastClassToSpace() {
    CtcDecoder decoder = new CtcDecoder(List.of("a", "b"));
    // classes: 0 blank, 1 a, 2 b, 3 space; steps: a a blank a space b b
    int[] best = {1, 1, 0, 1, 3, 2, 2};
    float[] probs = new float[best.length * 4];
    for (int t = 0; t < best.length; t++) probs[t * 4 + best[t]] = t == 0 ? 0.5f : 1f;
    CtcDecoder.Decoded d = decoder.decode(probs, 0, best.length);
    assertEquals("aa b", d.text());
    assertEquals((0.5f + 1 + 1 + 1) / 4, d.confidence(), 1e-6);
  }
}

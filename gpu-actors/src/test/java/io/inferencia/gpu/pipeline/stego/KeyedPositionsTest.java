package io.inferencia.gpu.pipeline.stego;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.stego.StegoLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyedPositionsTest {
  private final KeyedPositions keyed = new KeyedPositions("k".getBytes(StandardCharsets.UTF_8));

  @Test
  void aPermutationWhoseDrawnPositionsStayWithinTheChunkAndWhosePaddingStaysPut() {
    int length = 100_000;
    int[] p = keyed.positions(3, length, 5_000);
    boolean[] seen = new boolean[StegoLayout.CHUNK_SAMPLES];
    for (int v : p) {
      assertFalse(seen[v], "position " + v + " twice");
      seen[v] = true;
    }
    for (int j = 0; j < 5_000; j++) assertTrue(p[j] < length);
    for (int j = length; j < p.length; j++) assertEquals(j, p[j]);
  }

  @Test
  void drawingMoreKeepsTheFirstPositions() {
    int[] few = keyed.positions(0, 200_000, 1_000);
    int[] all = keyed.positions(0, 200_000, 200_000);
    assertArrayEquals(Arrays.copyOf(few, 1_000), Arrays.copyOf(all, 1_000));
  }

  @Test
  void eachKeyAndEachChunkDrawsItsOwn() {
    int[] a = Arrays.copyOf(keyed.positions(0, 50_000, 64), 64);
    int[] again = Arrays.copyOf(new KeyedPositions("k".getBytes(StandardCharsets.UTF_8)).positions(0, 50_000, 64), 64);
    int[] otherKey = Arrays.copyOf(new KeyedPositions("K".getBytes(StandardCharsets.UTF_8)).positions(0, 50_000, 64), 64);
    int[] otherChunk = Arrays.copyOf(keyed.positions(1, 50_000, 64), 64);
    assertArrayEquals(a, again);
    assertFalse(Arrays.equals(a, otherKey));
    assertFalse(Arrays.equals(a, otherChunk));
  }
}

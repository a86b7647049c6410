package io.inferencia.gpu.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencia.protocols.inference.Tensor;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorBatchingTest {
  @Test
  void concatThenSplitRestoresEveryRequest() {
    Tensor a = Tensor.ofFloats("x", new long[] {1, 2}, new float[] {1, 2});
    Tensor b = Tensor.ofFloats("x", new long[] {2, 2}, new float[] {3, 4, 5, 6});
    List<StackedInput> batch = TensorBatching.concat(List.of(List.of(a), List.of(b)), List.of("x"));
    StackedInput x = batch.get(0);
    assertArrayEquals(new long[] {3, 2}, x.shape());
    assertEquals(24, x.byteSize());
    Tensor whole = new Tensor("x", x.datatype(), x.shape(), joined(x.parts()));
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, whole.asFloats());
    List<List<Tensor>> split = TensorBatching.split(List.of(whole), new int[] {1, 2});
    assertEquals(a, split.get(0).get(0));
    assertEquals(b, split.get(1).get(0));
  }

  @Test
  void reshapeKeepsBatchDimensionAndResolvesUnknown() {
    Tensor t = Tensor.ofLongs("sr", new long[] {1}, new long[] {16000});
    assertArrayEquals(new long[] {}, TensorBatching.reshape(t, List.of(), false).shape());
    Tensor m = Tensor.ofFloats("m", new long[] {2, 6}, new float[12]);
    assertArrayEquals(new long[] {2, 3, 2}, TensorBatching.reshape(m, List.of(-1L, 2L), true).shape());
  }

  private static byte[] joined(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }
}

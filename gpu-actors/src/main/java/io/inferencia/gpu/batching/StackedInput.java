package io.inferencia.gpu.batching;

import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.Tensor;
import java.util.List;

/**
 * One model input of a formed batch: the requests' raw parts in request order, stacked along
 * dimension 0 but not copied together, so that they are copied once, straight into the session's
 * input buffer.
 */
public record StackedInput(String name, DataType datatype, long[] shape, List<byte[]> parts) {
  public static StackedInput of(Tensor t) {
    return new StackedInput(t.name(), t.datatype(), t.shape(), List.of(t.data()));
  }

  public long byteSize() {
    long n = 0;
    for (byte[] p : parts) n += p.length;
    return n;
  }

  public StackedInput withShape(long[] newShape) {
    return new StackedInput(name, datatype, newShape, parts);
  }
}

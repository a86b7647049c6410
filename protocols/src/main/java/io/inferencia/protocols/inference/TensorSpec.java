package io.inferencia.protocols.inference;

import io.inferencia.protocols.CborSerializable;
import java.util.Arrays;

/** Declared name, type and shape of a model input or output; -1 marks a variable dimension. */
public record TensorSpec(String name, DataType datatype, long[] shape) implements CborSerializable {
  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t
        && name.equals(t.name)
        && datatype == t.datatype
        && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + ":" + datatype + Arrays.toString(shape);
  }
}

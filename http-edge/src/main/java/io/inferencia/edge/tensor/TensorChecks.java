package io.inferencia.edge.tensor;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Checks the edges make before a tensor reaches the core: a known datatype, a concrete shape, and
 * data whose size matches the shape. Messages name the tensor, what was expected and what came.
 */
public final class TensorChecks {
  private TensorChecks() {}

  public static DataType datatype(String kind, String tensor, String wireName) {
    if (wireName == null || wireName.isEmpty()) throw invalid(kind + " '" + tensor + "' has no datatype");
    return DataType.fromWireName(wireName)
        .orElseThrow(() -> invalid(kind + " '" + tensor + "': unknown datatype '" + wireName + "'"));
  }

  /** Element count of a request shape; every dimension must be concrete (>= 0). */
  public static long elementCount(String tensor, long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) throw invalid("input '" + tensor + "': shape " + Arrays.toString(shape) + " has a negative dimension");
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw invalid("input '" + tensor + "': shape " + Arrays.toString(shape) + " has more elements than a tensor can hold");
      }
    }
    return n;
  }

  private static long byteCount(String tensor, long[] shape, long elements, DataType type) {
    try {
      return Math.multiplyExact(elements, (long) type.byteSize());
    } catch (ArithmeticException e) {
      throw invalid("input '" + tensor + "': " + type + " shape " + Arrays.toString(shape) + " needs more bytes than a tensor can hold");
    }
  }

  /** Fails unless {@code elements} (decoded from typed data) matches the shape. */
  public static void checkElementCount(String tensor, long[] shape, long elements) {
    long expected = elementCount(tensor, shape);
    if (expected != elements)
      throw invalid("input '" + tensor + "': shape " + Arrays.toString(shape) + " needs " + expected
          + " elements, got " + elements);
  }

  /** Builds a tensor from raw bytes after checking their size (or BYTES length prefixes) against the shape. */
  public static Tensor fromRaw(String tensor, DataType type, long[] shape, byte[] raw) {
    long expected = elementCount(tensor, shape);
    if (type == DataType.BYTES) {
      long got = countBytesElements(tensor, raw);
      if (got != expected)
        throw invalid("input '" + tensor + "': shape " + Arrays.toString(shape) + " needs " + expected
            + " BYTES elements, got " + got);
    } else if ((long) raw.length != byteCount(tensor, shape, expected, type)) {
      throw invalid("input '" + tensor + "': " + type + " shape " + Arrays.toString(shape) + " needs "
          + expected * type.byteSize() + " bytes of data, got " + raw.length);
    }
    return new Tensor(tensor, type, shape, raw);
  }

  private static long countBytesElements(String tensor, byte[] raw) {
    ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    long n = 0;
    while (buf.remaining() > 0) {
      if (buf.remaining() < 4) throw invalid("input '" + tensor + "': truncated BYTES length prefix");
      int len = buf.getInt();
      if (len < 0 || len > buf.remaining())
        throw invalid("input '" + tensor + "': BYTES element length " + len + " exceeds the " + buf.remaining()
            + " bytes left");
      buf.position(buf.position() + len);
      n++;
    }
    return n;
  }
}

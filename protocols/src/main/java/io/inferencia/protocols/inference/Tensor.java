package io.inferencia.protocols.inference;

import io.inferencia.protocols.CborSerializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A named tensor in the protocol's raw layout: row-major, little-endian elements; BYTES elements each
 * prefixed by a 4-byte little-endian length (Triton's binary form). One layout for REST, gRPC and the
 * device routers means no conversion on the hot path.
 */
public record Tensor(String name, DataType datatype, long[] shape, byte[] data)
    implements CborSerializable {

  public long elementCount() {
    return elementCount(shape);
  }

  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  public static Tensor ofFloats(String name, long[] shape, float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return new Tensor(name, DataType.FP32, shape.clone(), buf.array());
  }

  public static Tensor ofLongs(String name, long[] shape, long[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(values);
    return new Tensor(name, DataType.INT64, shape.clone(), buf.array());
  }

  /** A BYTES tensor from its elements. */
  public static Tensor ofBytes(String name, long[] shape, List<byte[]> elements) {
    int total = 0;
    for (byte[] e : elements) total += 4 + e.length;
    ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] e : elements) buf.putInt(e.length).put(e);
    return new Tensor(name, DataType.BYTES, shape.clone(), buf.array());
  }

  public static Tensor ofStrings(String name, long[] shape, List<String> elements) {
    List<byte[]> bytes = new ArrayList<>(elements.size());
    for (String s : elements) bytes.add(s.getBytes(StandardCharsets.UTF_8));
    return ofBytes(name, shape, bytes);
  }

  public ByteBuffer buffer() {
    return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
  }

  public float[] asFloats() {
    requireType(DataType.FP32);
    float[] out = new float[data.length / 4];
    buffer().asFloatBuffer().get(out);
    return out;
  }

  public long[] asLongs() {
    requireType(DataType.INT64);
    long[] out = new long[data.length / 8];
    buffer().asLongBuffer().get(out);
    return out;
  }

  /** Elements of a BYTES tensor; throws IllegalArgumentException if the length prefixes are malformed. */
  public List<byte[]> asBytesElements() {
    requireType(DataType.BYTES);
    List<byte[]> out = new ArrayList<>();
    ByteBuffer buf = buffer();
    while (buf.remaining() > 0) {
      if (buf.remaining() < 4) throw new IllegalArgumentException("truncated BYTES element length");
      int len = buf.getInt();
      if (len < 0 || len > buf.remaining())
        throw new IllegalArgumentException("BYTES element length " + len + " exceeds the data");
      byte[] e = new byte[len];
      buf.get(e);
      out.add(e);
    }
    return out;
  }

  public List<String> asStrings() {
    List<String> out = new ArrayList<>();
    for (byte[] e : asBytesElements()) out.add(new String(e, StandardCharsets.UTF_8));
    return out;
  }

  private void requireType(DataType expected) {
    if (datatype != expected)
      throw new IllegalStateException("tensor '" + name + "' is " + datatype + ", not " + expected);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && name.equals(t.name)
        && datatype == t.datatype
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + datatype + ", " + Arrays.toString(shape) + ", " + data.length + " bytes]";
  }
}

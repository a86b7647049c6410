package io.inferencia.edge.tensor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable little-endian byte buffer that builds a tensor's raw layout from decoded elements
 * (JSON numbers, typed gRPC contents) without boxing them.
 */
public final class RawWriter {
  private static final VarHandle SHORT = le(short[].class);
  private static final VarHandle INT = le(int[].class);
  private static final VarHandle LONG = le(long[].class);

  private byte[] buf;
  private int size;

  public RawWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  public void putByte(int v) {
    ensure(1);
    buf[size++] = (byte) v;
  }

  public void putShort(int v) {
    ensure(2);
    SHORT.set(buf, size, (short) v);
    size += 2;
  }

  public void putInt(int v) {
    ensure(4);
    INT.set(buf, size, v);
    size += 4;
  }

  public void putLong(long v) {
    ensure(8);
    LONG.set(buf, size, v);
    size += 8;
  }

  public void putFloat(float v) {
    putInt(Float.floatToRawIntBits(v));
  }

  public void putDouble(double v) {
    putLong(Double.doubleToRawLongBits(v));
  }

  /** One BYTES element: its 4-byte length, then the bytes. */
  public void putElement(byte[] element) {
    putInt(element.length);
    ensure(element.length);
    System.arraycopy(element, 0, buf, size, element.length);
    size += element.length;
  }

  public byte[] toByteArray() {
    return size == buf.length ? buf : Arrays.copyOf(buf, size);
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      long wanted = Math.max((long) buf.length * 2, (long) size + more);
      if (wanted > Integer.MAX_VALUE - 8) throw new IllegalStateException("tensor larger than 2 GiB");
      buf = Arrays.copyOf(buf, (int) wanted);
    }
  }

  private static VarHandle le(Class<?> arrayType) {
    return MethodHandles.byteArrayViewVarHandle(arrayType, ByteOrder.LITTLE_ENDIAN);
  }
}

package io.inferencia.edge.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Raw little-endian tensor bytes, as Triton's binary extension and raw gRPC contents carry them. */
public final class Raw {
  private Raw() {}

  public static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) b.putFloat(f);
    return b.array();
  }

  public static float[] floats(byte[] raw) {
    float[] out = new float[raw.length / 4];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  public static byte[] halves(short... bits) {
    ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : bits) b.putShort(s);
    return b.array();
  }

  /** BYTES elements, each with its 4-byte little-endian length prefix. */
  public static byte[] strings(String... v) {
    List<byte[]> parts = new ArrayList<>();
    int total = 0;
    for (String s : v) {
      byte[] e = s.getBytes(StandardCharsets.UTF_8);
      parts.add(e);
      total += 4 + e.length;
    }
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] e : parts) b.putInt(e.length).put(e);
    return b.array();
  }

  public static List<String> strings(byte[] raw) {
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    List<String> out = new ArrayList<>();
    while (b.hasRemaining()) {
      byte[] e = new byte[b.getInt()];
      b.get(e);
      out.add(new String(e, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** 0, 1, 2, ... as floats: handy distinct test data. */
  public static float[] ramp(int n, float start) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) out[i] = start + i;
    return out;
  }
}

package io.inferencia.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Deterministic random FP32 inputs in the raw little-endian layout the protocol carries. */
final class BenchInputs {
  private BenchInputs() {}

  static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  static byte[] fp32(long[] shape, long seed) {
    int n = (int) elements(shape);
    ByteBuffer buf = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) buf.putFloat(r.nextFloat() * 2 - 1);
    return buf.array();
  }
}

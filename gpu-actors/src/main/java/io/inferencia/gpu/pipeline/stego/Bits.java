package io.inferencia.gpu.pipeline.stego;

/** Bits of byte arrays, most significant bit first, one bit per byte of a bit array (0 or 1). */
final class Bits {
  private Bits() {}

  /** Copies {@code n} bits of {@code bytes} from bit {@code from} into {@code bits} at {@code at}. */
  static void spread(byte[] bytes, long from, byte[] bits, int at, int n) {
    for (int k = 0; k < n; k++) {
      long bit = from + k;
      bits[at + k] = (byte) ((bytes[(int) (bit >>> 3)] >>> (7 - (bit & 7))) & 1);
    }
  }

  /** Sets {@code n} bits of {@code bytes} from bit {@code to} on, from {@code bits} at {@code at}. */
  static void gather(byte[] bits, int at, byte[] bytes, long to, int n) {
    for (int k = 0; k < n; k++) {
      long bit = to + k;
      int index = (int) (bit >>> 3);
      int mask = 1 << (7 - (bit & 7));
      if ((bits[at + k] & 1) != 0) bytes[index] |= (byte) mask;
      else bytes[index] &= (byte) ~mask;
    }
  }
}

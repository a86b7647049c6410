package io.inferencia.persistence.storage;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A reproducible pseudo-random byte stream of a given length, produced as it is read: large test objects are
 * never in memory, and the same seed gives the same bytes again for the expected hash.
 */
final class GeneratedBytes extends InputStream {
  private long state;
  private long remaining;
  private long word;
  private int wordBytes;

  GeneratedBytes(long seed, long length) {
    this.state = seed * 0x9E3779B97F4A7C15L + 1;
    this.remaining = length;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (remaining == 0) return -1;
    int n = (int) Math.min(len, remaining);
    for (int i = 0; i < n; i++) {
      if (wordBytes == 0) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        word = state;
        wordBytes = 8;
      }
      b[off + i] = (byte) word;
      word >>>= 8;
      wordBytes--;
    }
    remaining -= n;
    return n;
  }

  static byte[] bytes(long seed, int length) {
    byte[] out = new byte[length];
    new GeneratedBytes(seed, length).read(out, 0, length);
    return out;
  }

  /** SHA-256 of the concatenation of the streams {@code seeds[i]} of {@code lengths[i]} bytes. */
  static String sha256(long[] seeds, long[] lengths) {
    MessageDigest digest = newSha256();
    byte[] buffer = new byte[1 << 16];
    for (int i = 0; i < seeds.length; i++) {
      GeneratedBytes in = new GeneratedBytes(seeds[i], lengths[i]);
      for (int n; (n = in.read(buffer, 0, buffer.length)) > 0; ) digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

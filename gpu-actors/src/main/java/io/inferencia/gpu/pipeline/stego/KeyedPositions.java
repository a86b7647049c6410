package io.inferencia.gpu.pipeline.stego;

import io.inferencia.protocols.stego.StegoLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed pseudo-random permutation of a chunk's sample positions. A Fisher-Yates shuffle driven by
 * AES-256 in counter mode, keyed by HMAC-SHA256(key, label) and with the chunk's index as the counter's
 * start, so each chunk has its own permutation and without the key the positions are not predictable.
 * The shuffle is partial: only the first {@code count} positions are drawn, and they are the same
 * whatever {@code count} is (a decoder that draws more reads the encoder's positions first).
 */
public final class KeyedPositions {
  private static final byte[] LABEL = "inferencia stego positions v1".getBytes(StandardCharsets.US_ASCII);
  private static final int KEYSTREAM_BLOCK = 64 * 1024;

  private final SecretKeySpec key;

  public KeyedPositions(byte[] keyMaterial) {
    if (keyMaterial.length == 0) throw new IllegalArgumentException("the key is empty");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(keyMaterial, "HmacSHA256"));
      this.key = new SecretKeySpec(mac.doFinal(LABEL), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /**
   * A permutation of {@code [0, CHUNK_SAMPLES)}: its first {@code count} entries are drawn at random from
   * {@code [0, length)}; the samples past {@code length} (padding of a short last chunk) stay in place.
   */
  public int[] positions(int chunk, int length, int count) {
    if (count > length || length > StegoLayout.CHUNK_SAMPLES) throw new IllegalArgumentException("count > length");
    int[] positions = new int[StegoLayout.CHUNK_SAMPLES];
    for (int i = 0; i < positions.length; i++) positions[i] = i;
    Keystream random = new Keystream(cipher(chunk));
    for (int j = 0; j < count; j++) {
      int r = j + random.below(length - j);
      int swap = positions[j];
      positions[j] = positions[r];
      positions[r] = swap;
    }
    return positions;
  }

  private Cipher cipher(int chunk) {
    try {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      byte[] iv = ByteBuffer.allocate(16).putLong(chunk).putLong(0).array();
      cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      return cipher;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR is not available", e);
    }
  }

  /** Uniform integers from the keystream: Lemire's multiply-and-reject, unbiased. */
  private static final class Keystream {
    private final Cipher cipher;
    private final byte[] zeros = new byte[KEYSTREAM_BLOCK];
    private ByteBuffer block = ByteBuffer.allocate(0);

    Keystream(Cipher cipher) {
      this.cipher = cipher;
    }

    int below(int bound) {
      long product = nextUnsigned() * bound;
      long low = product & 0xFFFFFFFFL;
      if (low < bound) {
        long threshold = (0x1_0000_0000L - bound) % bound;
        while (low < threshold) {
          product = nextUnsigned() * bound;
          low = product & 0xFFFFFFFFL;
        }
      }
      return (int) (product >>> 32);
    }

    private long nextUnsigned() {
      if (block.remaining() < 4) block = ByteBuffer.wrap(cipher.update(zeros));
      return Integer.toUnsignedLong(block.getInt());
    }
  }
}

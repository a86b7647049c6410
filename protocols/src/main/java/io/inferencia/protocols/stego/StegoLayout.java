package io.inferencia.protocols.stego;

/**
 * Where a payload's bits go in a cover, shared by the edge (the capacity check at submission) and the
 * worker (encode and decode). The cover's 16-bit samples, all channels interleaved, are cut into chunks
 * of {@link #CHUNK_SAMPLES}; each sample carries at most one bit, in its least significant bit. Chunk 0
 * starts with the fixed frame header ({@link #HEADER_BITS}); the body (content type, then payload) is
 * then spread evenly: every chunk carries up to {@code perChunk} body bits, so the changes are spread
 * over the whole file rather than packed at its start, and every chunk goes through the model.
 */
public final class StegoLayout {
  public static final int CHUNK_SAMPLES = 1 << 18;
  /** magic (4), version (1), content-type length (1), reserved (2), payload length (8), CRC-32 (4), per-chunk bits (4). */
  public static final int HEADER_BYTES = 24;
  public static final int HEADER_BITS = HEADER_BYTES * 8;
  public static final int MAX_CONTENT_TYPE = 255;

  private final long samples;

  public StegoLayout(long samples) {
    if (samples < 0) throw new IllegalArgumentException("negative sample count");
    this.samples = samples;
  }

  /** The layout of a data chunk of {@code dataBytes} bytes of 16-bit samples (an odd last byte is no sample). */
  public static StegoLayout ofDataBytes(long dataBytes) {
    return new StegoLayout(dataBytes / 2);
  }

  public long samples() {
    return samples;
  }

  public int chunks() {
    return (int) ((samples + CHUNK_SAMPLES - 1) / CHUNK_SAMPLES);
  }

  /** Samples in chunk {@code i}: {@link #CHUNK_SAMPLES} but for a shorter last chunk. */
  public int chunkLength(int i) {
    return (int) Math.min(CHUNK_SAMPLES, samples - (long) i * CHUNK_SAMPLES);
  }

  /** Body bits chunk {@code i} can carry: its samples, less the header's in chunk 0. */
  public int bodyCapacity(int i) {
    return Math.max(0, chunkLength(i) - (i == 0 ? HEADER_BITS : 0));
  }

  /** Whether the cover has room for the header at all. */
  public boolean holdsHeader() {
    return samples >= HEADER_BITS;
  }

  /** The most body bytes (content type and payload) the cover can carry. */
  public long bodyCapacityBytes() {
    if (!holdsHeader()) return 0;
    return (samples - HEADER_BITS) / 8;
  }

  /** The most payload bytes for a payload of {@code contentTypeBytes} bytes of content type. */
  public long payloadCapacityBytes(int contentTypeBytes) {
    return Math.max(0, bodyCapacityBytes() - contentTypeBytes);
  }

  /**
   * The smallest per-chunk share that places {@code bodyBits} bits: chunks shorter than the share carry
   * what they can, the others carry the share. The caller checked the capacity first.
   */
  public int perChunk(long bodyBits) {
    if (bodyBits > bodyCapacityBytes() * 8 + 7) throw new IllegalArgumentException("the body does not fit the cover");
    int low = 0;
    int high = CHUNK_SAMPLES;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (placed(mid) >= bodyBits) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** Body bits that chunk {@code i} carries with a per-chunk share of {@code perChunk}. */
  public int bodyBitsIn(int i, int perChunk) {
    return Math.min(perChunk, bodyCapacity(i));
  }

  private long placed(int perChunk) {
    long total = 0;
    for (int i = 0; i < chunks(); i++) total += bodyBitsIn(i, perChunk);
    return total;
  }
}

package io.inferencia.gpu.pipeline.stego;

import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.stego.StegoLayout;

/**
 * Decides, chunk after chunk in file order, which frame bits each chunk carries: chunk 0 the header
 * first, then every chunk its share of the body. Refuses a frame the cover cannot hold before any chunk.
 */
final class EncodePlan {
  /** The bits for one chunk: {@code bits[0..count)} go to the chunk's first {@code count} keyed positions. */
  record ChunkBits(byte[] bits, int count) {}

  private final byte[] header;
  private final byte[] body;
  private final StegoLayout layout;
  private final int perChunk;
  private long bodyBitsDone;

  EncodePlan(StegoFrame frame, StegoLayout layout) {
    this.body = frame.body();
    this.layout = layout;
    long capacity = layout.bodyCapacityBytes();
    if (!layout.holdsHeader() || body.length > capacity)
      throw InferenceException.invalid(tooLarge(frame.payload().length, body.length - frame.payload().length, layout));
    this.perChunk = layout.perChunk(body.length * 8L);
    this.header = frame.header(perChunk);
  }

  static String tooLarge(long payloadBytes, long contentTypeBytes, StegoLayout layout) {
    return "the secret (" + payloadBytes + " bytes) does not fit the cover: " + layout.samples() + " samples carry at most "
        + layout.payloadCapacityBytes((int) contentTypeBytes) + " bytes of payload (1 bit per sample, less "
        + (StegoLayout.HEADER_BYTES + contentTypeBytes) + " bytes of frame)";
  }

  ChunkBits next(int chunk) {
    byte[] bits = new byte[StegoLayout.CHUNK_SAMPLES];
    int at = 0;
    if (chunk == 0) {
      Bits.spread(header, 0, bits, 0, StegoLayout.HEADER_BITS);
      at = StegoLayout.HEADER_BITS;
    }
    int n = (int) Math.min(layout.bodyBitsIn(chunk, perChunk), body.length * 8L - bodyBitsDone);
    Bits.spread(body, bodyBitsDone, bits, at, n);
    bodyBitsDone += n;
    return new ChunkBits(bits, at + n);
  }
}

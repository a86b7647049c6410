package io.inferencia.gpu.pipeline.stego;

import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.stego.StegoLayout;
import java.util.Optional;

/**
 * Reassembles the frame from the bits each chunk's keyed positions hold, in file order: chunk 0's first
 * bits are the header, which says how many body bits every chunk carries. Answers the frame once its
 * last bit is in, so the rest of the file need not be read.
 */
final class FrameReader {
  private final StegoLayout layout;
  private final long maxPayloadBytes;
  private StegoFrame.Header header;
  private byte[] body;
  private long bodyBitsDone;

  FrameReader(StegoLayout layout, long maxPayloadBytes) {
    this.layout = layout;
    this.maxPayloadBytes = maxPayloadBytes;
    if (!layout.holdsHeader())
      throw InferenceException.invalid("no payload found: the file's " + layout.samples() + " samples are too few to carry one");
  }

  /** The chunk's bits at its keyed positions, in order; the frame once complete. */
  Optional<StegoFrame> next(int chunk, byte[] bits) {
    int at = 0;
    if (chunk == 0) {
      byte[] headerBytes = new byte[StegoLayout.HEADER_BYTES];
      Bits.gather(bits, 0, headerBytes, 0, StegoLayout.HEADER_BITS);
      header = StegoFrame.parseHeader(headerBytes, layout);
      if (header.payloadBytes() > maxPayloadBytes)
        throw InferenceException.invalid("the payload is " + header.payloadBytes() + " bytes, over this server's limit of "
            + maxPayloadBytes);
      body = new byte[(int) header.bodyBytes()];
      at = StegoLayout.HEADER_BITS;
    }
    int n = (int) Math.min(layout.bodyBitsIn(chunk, header.perChunk()), body.length * 8L - bodyBitsDone);
    Bits.gather(bits, at, body, bodyBitsDone, n);
    bodyBitsDone += n;
    return bodyBitsDone == body.length * 8L ? Optional.of(StegoFrame.fromBody(header, body)) : Optional.empty();
  }
}

package io.inferencia.gpu.pipeline.stego;

import io.inferencia.protocols.audio.WavFormat;
import io.inferencia.protocols.audio.WavHeaderParser;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.stego.StegoLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * Cuts a WAV byte stream, arriving in pieces of any size, into its header, its samples in chunks of
 * {@link StegoLayout#CHUNK_SAMPLES} and what follows them, holding no more than one chunk. Only the data
 * chunk's samples change in stego; every other byte is passed on as it came, so the output's header is
 * the cover's. A data chunk that declares more bytes than the file holds is refused before any work.
 */
final class CoverSplitter {
  private final long objectBytes;
  private final WavHeaderParser parser = new WavHeaderParser();
  private ByteString headerSoFar = ByteString.emptyByteString();
  private StegoLayout layout;
  private long dataBytes;
  private long dataSeen;
  private int chunk;
  private byte[] pending;
  private int pendingFilled;

  /** @param objectBytes the file's size, to check the header's claims against */
  CoverSplitter(long objectBytes) {
    this.objectBytes = objectBytes;
  }

  List<CoverPiece> feed(ByteString bytes) {
    List<CoverPiece> out = new ArrayList<>(2);
    ByteString rest = bytes;
    if (layout == null) {
      ByteBuffer buffer = bytes.asByteBuffer();
      int before = buffer.position();
      boolean found = parser.feed(buffer);
      int used = buffer.position() - before;
      headerSoFar = headerSoFar.concat(bytes.take(used));
      if (!found) return out;
      rest = bytes.drop(used);
      out.add(startData(parser.data()));
    }
    samples(rest, out);
    return out;
  }

  /** The file ended (and only then): what is left, or the reason the file is incomplete. */
  List<CoverPiece> finish() {
    if (layout == null) throw parser.endedEarly();
    if (dataSeen < dataBytes) throw WavFormat.truncated("data", dataBytes, dataSeen);
    return List.of();
  }

  private CoverPiece startData(WavHeaderParser.DataChunk data) {
    long available = objectBytes - data.offset();
    if (data.declaredSize() > available)
      throw InferenceException.invalid("the WAV header declares " + data.declaredSize() + " bytes of samples but the file holds "
          + Math.max(0, available) + " after its header (truncated, or a lying header)");
    dataBytes = data.declaredSize();
    layout = StegoLayout.ofDataBytes(dataBytes);
    CoverPiece header = new CoverPiece.Header(headerSoFar, data.format(), layout);
    headerSoFar = null;
    return header;
  }

  private void samples(ByteString bytes, List<CoverPiece> out) {
    int at = 0;
    long sampleBytes = layout.samples() * 2;
    while (at < bytes.size() && dataSeen < sampleBytes) {
      if (pending == null) {
        pending = new byte[layout.chunkLength(chunk) * 2];
        pendingFilled = 0;
      }
      int take = Math.min(bytes.size() - at, pending.length - pendingFilled);
      bytes.slice(at, at + take).copyToArray(pending, pendingFilled, take);
      pendingFilled += take;
      at += take;
      dataSeen += take;
      if (pendingFilled == pending.length) {
        out.add(new CoverPiece.Samples(chunk++, pending));
        pending = null;
      }
    }
    if (at < bytes.size()) {
      ByteString trailer = bytes.drop(at);
      dataSeen += Math.min(trailer.size(), dataBytes - dataSeen); // an odd data byte, before any chunk that follows
      out.add(new CoverPiece.Trailer(trailer));
    }
  }
}

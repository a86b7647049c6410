package io.inferencia.protocols.audio;

import io.inferencia.protocols.inference.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads a RIFF/WAVE header from arbitrary pieces of a byte stream, up to the first byte of the data
 * chunk's samples. It buffers only the header (chunks before the data chunk), and refuses a header
 * longer than {@link #MAX_HEADER_BYTES} so a hostile file cannot make it buffer without end.
 */
public final class WavHeaderParser {
  public static final int MAX_HEADER_BYTES = 1 << 20;

  /**
   * The data chunk's header: the format declared before it, the size its header declares and the offset
   * of its first sample byte in the file.
   */
  public record DataChunk(WavFormat format, long declaredSize, long offset) {}

  private enum Step { PREAMBLE, CHUNK_HEADER, CHUNK_BODY, CHUNK_PAD }

  private byte[] bytes = new byte[256];
  private int length;
  /** The header length at which the current step can be taken. */
  private int need = WavFormat.RIFF_HEADER_BYTES;
  private Step step = Step.PREAMBLE;
  private int chunkAt;
  private WavFormat format;
  private DataChunk data;

  /**
   * Consumes header bytes from {@code chunk}; true once the data chunk's header has been read, with
   * {@code chunk} positioned on the first sample byte.
   */
  public boolean feed(ByteBuffer chunk) {
    while (data == null && chunk.hasRemaining()) {
      int take = Math.min(chunk.remaining(), need - length);
      if (bytes.length < need) bytes = Arrays.copyOf(bytes, Math.max(need, Math.min(MAX_HEADER_BYTES, bytes.length * 2)));
      chunk.get(bytes, length, take);
      length += take;
      while (data == null && length == need) advance();
    }
    return data != null;
  }

  public DataChunk data() {
    return data;
  }

  /** The stream ended before the data chunk: the error that says what is missing, as WavReader would. */
  public InferenceException endedEarly() {
    return switch (step) {
      case PREAMBLE -> WavFormat.notRiffWave();
      case CHUNK_BODY -> {
        int body = chunkAt + WavFormat.CHUNK_HEADER_BYTES;
        yield WavFormat.truncated(WavFormat.chunkId(view(), chunkAt), WavFormat.chunkSize(view(), chunkAt), length - body);
      }
      case CHUNK_HEADER, CHUNK_PAD -> WavFormat.missingChunk(format != null);
    };
  }

  private void advance() {
    ByteBuffer buf = view();
    switch (step) {
      case PREAMBLE -> {
        if (!WavFormat.isRiffWave(buf)) throw WavFormat.notRiffWave();
        nextChunk();
      }
      case CHUNK_HEADER -> {
        long size = WavFormat.chunkSize(buf, chunkAt);
        if (WavFormat.chunkId(buf, chunkAt).equals("data")) {
          if (format == null) throw WavFormat.dataBeforeFormat();
          data = new DataChunk(format, size, length);
          bytes = null; // the header is no longer needed
        } else {
          step = Step.CHUNK_BODY;
          require(length + size);
        }
      }
      case CHUNK_BODY -> {
        int body = chunkAt + WavFormat.CHUNK_HEADER_BYTES;
        if (WavFormat.chunkId(buf, chunkAt).equals("fmt ")) format = WavFormat.parse(buf, body, length - body);
        if (((length - body) & 1) == 1) { // chunks are padded to even length
          step = Step.CHUNK_PAD;
          require(length + 1L);
        } else nextChunk();
      }
      case CHUNK_PAD -> nextChunk();
    }
  }

  private void nextChunk() {
    chunkAt = length;
    step = Step.CHUNK_HEADER;
    require(length + (long) WavFormat.CHUNK_HEADER_BYTES);
  }

  private void require(long headerLength) {
    if (headerLength > MAX_HEADER_BYTES)
      throw InferenceException.invalid("WAV has over " + MAX_HEADER_BYTES + " bytes of header before its data chunk");
    need = (int) headerLength;
  }

  private ByteBuffer view() {
    return ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.LITTLE_ENDIAN);
  }
}

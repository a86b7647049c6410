package io.inferencia.gpu.pipeline.audio;

import io.inferencia.protocols.audio.WavFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Parses a whole RIFF/WAVE file held in memory, with 16-bit PCM samples at any rate and channel
 * count (see {@link WavFormat}). Anything else is refused with INVALID_ARGUMENT naming the problem;
 * the duration limit is checked from the header before samples are copied.
 */
public final class WavReader {
  private final double maxSeconds;

  public WavReader(double maxSeconds) {
    this.maxSeconds = maxSeconds;
  }

  public PcmAudio read(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (!WavFormat.isRiffWave(buf)) throw WavFormat.notRiffWave();
    WavFormat format = null;
    int pos = WavFormat.RIFF_HEADER_BYTES;
    while (pos + WavFormat.CHUNK_HEADER_BYTES <= bytes.length) {
      String id = WavFormat.chunkId(buf, pos);
      long size = WavFormat.chunkSize(buf, pos);
      int body = pos + WavFormat.CHUNK_HEADER_BYTES;
      if (size > bytes.length - body) throw WavFormat.truncated(id, size, bytes.length - body);
      if (id.equals("fmt ")) format = WavFormat.parse(buf, body, (int) size);
      else if (id.equals("data")) {
        if (format == null) throw WavFormat.dataBeforeFormat();
        return samples(buf, body, (int) size, format);
      }
      pos = body + (int) size + (int) (size & 1); // chunks are padded to even length
    }
    throw WavFormat.missingChunk(format != null);
  }

  private PcmAudio samples(ByteBuffer buf, int at, int size, WavFormat format) {
    int frames = size / format.frameBytes();
    format.checkDuration(frames, maxSeconds);
    short[] samples = new short[frames * format.channels()];
    buf.position(at);
    buf.slice().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
    return new PcmAudio(format.sampleRate(), format.channels(), samples);
  }
}

package io.inferencia.gpu.pipeline.audio;

import io.inferencia.protocols.audio.WavHeaderParser;
import io.inferencia.protocols.audio.WavFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Decodes a RIFF/WAVE byte stream fed in pieces of any size (a piece may end inside a header, a
 * sample or a frame) into mono samples, exactly as {@code PcmAudio.mono()} computes them. It accepts
 * what {@link WavReader} accepts and refuses the rest with the same messages, holding no more than
 * the header and one partial frame. A data size of 0 or 0xFFFFFFFF, which streaming writers emit
 * because they cannot seek back, means "until the end of the stream". Not thread-safe: feed it from
 * one thread at a time.
 */
public final class WavStreamDecoder {
  private static final long SIZE_UNKNOWN_ZERO = 0;
  private static final long SIZE_UNKNOWN_ALL_ONES = 0xFFFF_FFFFL;
  private static final float[] NO_SAMPLES = new float[0];

  private final double maxSeconds;
  private final WavHeaderParser header = new WavHeaderParser();
  private WavFormat format;
  /** Declared data bytes, or -1 when the data runs to the end of the stream. */
  private long declaredBytes;
  private long dataBytes;
  private long frames;
  private float scale;
  private ByteBuffer partialFrame;

  /** {@code maxSeconds} may be {@code Double.POSITIVE_INFINITY} for no limit. */
  public WavStreamDecoder(double maxSeconds) {
    this.maxSeconds = maxSeconds;
  }

  /** Consumes all of {@code chunk} and returns the mono samples of the frames it completed. */
  public float[] feed(ByteBuffer chunk) {
    if (format == null) {
      if (!header.feed(chunk)) return NO_SAMPLES;
      startData(header.data());
    }
    return decode(chunk);
  }

  public float[] feed(byte[] chunk) {
    return feed(ByteBuffer.wrap(chunk));
  }

  /** Checks that the stream is complete: throws INVALID_ARGUMENT when it ended early. */
  public void finish() {
    if (format == null) throw header.endedEarly();
    if (declaredBytes >= 0 && dataBytes < declaredBytes) throw WavFormat.truncated("data", declaredBytes, dataBytes);
    // A partial frame left over here is within the declared size (or there is none): dropped, as WavReader does.
  }

  /** The format, once the header up to the data chunk has been read. */
  public Optional<WavFormat> format() {
    return Optional.ofNullable(format);
  }

  /** Frames decoded so far. */
  public long frames() {
    return frames;
  }

  private void startData(WavHeaderParser.DataChunk data) {
    format = data.format();
    boolean unknown = data.declaredSize() == SIZE_UNKNOWN_ZERO || data.declaredSize() == SIZE_UNKNOWN_ALL_ONES;
    declaredBytes = unknown ? -1 : data.declaredSize();
    if (!unknown) format.checkDuration(declaredBytes / format.frameBytes(), maxSeconds);
    scale = 1f / (32768f * format.channels());
    partialFrame = ByteBuffer.allocate(format.frameBytes()).order(ByteOrder.LITTLE_ENDIAN);
  }

  private float[] decode(ByteBuffer chunk) {
    ByteBuffer in = chunk.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int usable = declaredBytes < 0 ? in.remaining() : (int) Math.min(in.remaining(), declaredBytes - dataBytes);
    chunk.position(chunk.limit()); // bytes after the declared data (trailing chunks) are ignored
    dataBytes += usable;
    int frameBytes = format.frameBytes();
    float[] out = new float[(partialFrame.position() + usable) / frameBytes];
    int pos = in.position();
    int end = pos + usable;
    int n = 0;
    if (partialFrame.position() > 0) {
      int take = Math.min(partialFrame.remaining(), usable);
      partialFrame.put(in.slice(pos, take));
      pos += take;
      if (!partialFrame.hasRemaining()) {
        out[n++] = mono(partialFrame, 0);
        partialFrame.clear();
      }
    }
    for (; end - pos >= frameBytes; pos += frameBytes) out[n++] = mono(in, pos);
    partialFrame.put(in.slice(pos, end - pos));
    frames += out.length;
    if (declaredBytes < 0) format.checkStreamedDuration(frames, maxSeconds);
    return out;
  }

  /** The frame at {@code at}: its channels averaged and scaled to [-1, 1) as PcmAudio.mono() does. */
  private float mono(ByteBuffer buf, int at) {
    int sum = 0;
    for (int c = 0; c < format.channels(); c++) sum += buf.getShort(at + 2 * c);
    return sum * scale;
  }
}

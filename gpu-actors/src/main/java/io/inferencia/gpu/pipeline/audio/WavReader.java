package io.inferencia.gpu.pipeline.audio;

import io.inferencia.protocols.inference.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Parses RIFF/WAVE with 16-bit PCM samples (format tag 1, or WAVE_FORMAT_EXTENSIBLE with the PCM
 * sub-format), any rate and channel count. Anything else is refused with INVALID_ARGUMENT naming the
 * problem; the duration limit is checked from the header before samples are copied.
 */
public final class WavReader {
  private static final int FORMAT_PCM = 1;
  private static final int FORMAT_EXTENSIBLE = 0xFFFE;
  /** KSDATAFORMAT_SUBTYPE_PCM after its first two bytes (which hold the format tag 1). */
  private static final byte[] PCM_GUID_TAIL = {
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71
  };
  private final double maxSeconds;

  public WavReader(double maxSeconds) {
    this.maxSeconds = maxSeconds;
  }

  private record Format(int channels, int sampleRate) {}

  public PcmAudio read(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12 || !tag(buf, 0, "RIFF") || !tag(buf, 8, "WAVE"))
      throw InferenceException.invalid("audio is not a RIFF/WAVE file");
    Format format = null;
    int pos = 12;
    while (pos + 8 <= bytes.length) {
      String id = new String(bytes, pos, 4, StandardCharsets.US_ASCII);
      long size = Integer.toUnsignedLong(buf.getInt(pos + 4));
      int body = pos + 8;
      if (size > bytes.length - body)
        throw InferenceException.invalid(
            "WAV is truncated: chunk '" + id + "' declares " + size + " bytes but only "
                + (bytes.length - body) + " remain");
      if (id.equals("fmt ")) format = parseFormat(buf, body, (int) size);
      else if (id.equals("data")) {
        if (format == null) throw InferenceException.invalid("WAV has a data chunk before its fmt chunk");
        return samples(buf, body, (int) size, format);
      }
      pos = body + (int) size + (int) (size & 1); // chunks are padded to even length
    }
    throw InferenceException.invalid(format == null ? "WAV has no fmt chunk" : "WAV has no data chunk (truncated?)");
  }

  private static Format parseFormat(ByteBuffer buf, int at, int size) {
    if (size < 16) throw InferenceException.invalid("WAV fmt chunk is too short (" + size + " bytes)");
    int tag = Short.toUnsignedInt(buf.getShort(at));
    int channels = Short.toUnsignedInt(buf.getShort(at + 2));
    long sampleRate = Integer.toUnsignedLong(buf.getInt(at + 4));
    int blockAlign = Short.toUnsignedInt(buf.getShort(at + 12));
    int bits = Short.toUnsignedInt(buf.getShort(at + 14));
    if (tag == FORMAT_EXTENSIBLE) {
      if (size < 40) throw InferenceException.invalid("WAV extensible fmt chunk is too short (" + size + " bytes)");
      int subTag = Short.toUnsignedInt(buf.getShort(at + 24));
      boolean pcm = subTag == FORMAT_PCM;
      for (int i = 0; i < PCM_GUID_TAIL.length && pcm; i++) pcm = buf.get(at + 26 + i) == PCM_GUID_TAIL[i];
      if (!pcm) throw InferenceException.invalid("WAV extensible sub-format is not PCM");
    } else if (tag != FORMAT_PCM) {
      throw InferenceException.invalid("WAV format tag " + tag + " is not PCM (1); only 16-bit PCM is supported");
    }
    if (bits != 16) throw InferenceException.invalid("WAV has " + bits + "-bit samples; only 16-bit PCM is supported");
    if (channels < 1) throw InferenceException.invalid("WAV declares no channels");
    if (sampleRate < 1000 || sampleRate > 768_000)
      throw InferenceException.invalid("WAV sample rate " + sampleRate + " Hz is out of range");
    if (blockAlign != channels * 2)
      throw InferenceException.invalid("WAV block align " + blockAlign + " does not match " + channels + " channels of 16 bits");
    return new Format(channels, (int) sampleRate);
  }

  private PcmAudio samples(ByteBuffer buf, int at, int size, Format format) {
    int frameBytes = format.channels() * 2;
    int frames = size / frameBytes;
    double seconds = (double) frames / format.sampleRate();
    if (seconds > maxSeconds)
      throw InferenceException.invalid(
          String.format("audio is %.1f s long, over the limit of %.0f s", seconds, maxSeconds));
    short[] samples = new short[frames * format.channels()];
    buf.position(at);
    buf.slice().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
    return new PcmAudio(format.sampleRate(), format.channels(), samples);
  }

  private static boolean tag(ByteBuffer buf, int at, String tag) {
    for (int i = 0; i < 4; i++) if (buf.get(at + i) != tag.charAt(i)) return false;
    return true;
  }
}

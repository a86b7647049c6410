package io.inferencia.protocols.audio;

import io.inferencia.protocols.inference.InferenceException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a RIFF/WAVE header declares, and the checks and error messages shared by the whole-file
 * {@link WavReader} and the incremental {@link WavStreamDecoder}, so both refuse the same inputs with
 * the same words. Only 16-bit PCM (format tag 1, or WAVE_FORMAT_EXTENSIBLE with the PCM sub-format)
 * is accepted.
 */
public record WavFormat(int channels, int sampleRate) {
  /** Bytes of the "RIFF" size "WAVE" preamble. */
  public static final int RIFF_HEADER_BYTES = 12;
  /** Bytes of a chunk header: four-character id, little-endian 32-bit size. */
  public static final int CHUNK_HEADER_BYTES = 8;
  private static final int FORMAT_PCM = 1;
  private static final int FORMAT_EXTENSIBLE = 0xFFFE;
  /** KSDATAFORMAT_SUBTYPE_PCM after its first two bytes (which hold the format tag 1). */
  private static final byte[] PCM_GUID_TAIL = {
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71
  };

  /** Bytes per frame: one 16-bit sample per channel. */
  public int frameBytes() {
    return channels * 2;
  }

  /** Parses a fmt chunk body of {@code size} bytes at {@code at}; {@code buf} must be little-endian. */
  public static WavFormat parse(ByteBuffer buf, int at, int size) {
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
    return new WavFormat(channels, (int) sampleRate);
  }

  /** Refuses {@code frames} of audio when they last longer than {@code maxSeconds}. */
  public void checkDuration(long frames, double maxSeconds) {
    double seconds = (double) frames / sampleRate;
    if (seconds > maxSeconds)
      throw InferenceException.invalid(
          String.format("audio is %.1f s long, over the limit of %.0f s", seconds, maxSeconds));
  }

  /** Refuses a stream of unknown length once {@code frames} so far last longer than {@code maxSeconds}. */
  public void checkStreamedDuration(long frames, double maxSeconds) {
    if ((double) frames / sampleRate > maxSeconds)
      throw InferenceException.invalid(String.format("audio runs over the limit of %.0f s", maxSeconds));
  }

  /** Whether the first twelve bytes of {@code buf} are the RIFF/WAVE preamble. */
  public static boolean isRiffWave(ByteBuffer buf) {
    return buf.limit() >= RIFF_HEADER_BYTES && hasTag(buf, 0, "RIFF") && hasTag(buf, 8, "WAVE");
  }

  public static String chunkId(ByteBuffer buf, int at) {
    byte[] id = new byte[4];
    for (int i = 0; i < 4; i++) id[i] = buf.get(at + i);
    return new String(id, StandardCharsets.US_ASCII);
  }

  /** The unsigned 32-bit size of the chunk whose header starts at {@code at}. */
  public static long chunkSize(ByteBuffer buf, int at) {
    return Integer.toUnsignedLong(buf.getInt(at + 4));
  }

  public static InferenceException notRiffWave() {
    return InferenceException.invalid("audio is not a RIFF/WAVE file");
  }

  public static InferenceException truncated(String chunkId, long declared, long remaining) {
    return InferenceException.invalid(
        "WAV is truncated: chunk '" + chunkId + "' declares " + declared + " bytes but only " + remaining + " remain");
  }

  public static InferenceException dataBeforeFormat() {
    return InferenceException.invalid("WAV has a data chunk before its fmt chunk");
  }

  /** The header ended without a data chunk: says which chunk is missing. */
  public static InferenceException missingChunk(boolean formatSeen) {
    return InferenceException.invalid(formatSeen ? "WAV has no data chunk (truncated?)" : "WAV has no fmt chunk");
  }

  private static boolean hasTag(ByteBuffer buf, int at, String tag) {
    for (int i = 0; i < 4; i++) if (buf.get(at + i) != tag.charAt(i)) return false;
    return true;
  }
}

package io.inferencia.gpu.pipeline.vad;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds WAV files in memory for tests. */
public final class Wavs {
  private Wavs() {}

  /** 16-bit PCM; {@code extensible} writes a WAVE_FORMAT_EXTENSIBLE fmt chunk with the PCM sub-format. */
  public static byte[] pcm16(short[] interleaved, int sampleRate, int channels, boolean extensible) {
    int fmtSize = extensible ? 40 : 16;
    int dataSize = interleaved.length * 2;
    ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + 8 + dataSize).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(4 + 8 + fmtSize + 8 + dataSize).put(ascii("WAVE"));
    b.put(ascii("fmt ")).putInt(fmtSize);
    b.putShort((short) (extensible ? 0xFFFE : 1)).putShort((short) channels).putInt(sampleRate);
    b.putInt(sampleRate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
    if (extensible) {
      b.putShort((short) 22).putShort((short) 16).putInt(channels == 2 ? 0x3 : 0x4);
      b.put(new byte[] {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
    }
    b.put(ascii("data")).putInt(dataSize);
    for (short s : interleaved) b.putShort(s);
    return b.array();
  }

  /** The committed recording: speech from about 1.52 s to 4.56 s, mono, 22050 Hz (see its README). */
  public static byte[] speechRecording() {
    try (InputStream in = Wavs.class.getResourceAsStream("/audio/speech_22050_mono.wav")) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of {@code wav} whose data chunk declares {@code size} bytes (0 and 0xFFFFFFFF: unknown). */
  public static byte[] withDataSize(byte[] wav, long size) {
    byte[] copy = wav.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(dataChunkAt(copy) + 4, (int) size);
    return copy;
  }

  /** The 16-bit samples of a plain mono PCM WAV written by sox (44-byte header, data last). */
  public static short[] samplesOf(byte[] wav) {
    ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    while (true) {
      String id = new String(wav, pos, 4, StandardCharsets.US_ASCII);
      int size = b.getInt(pos + 4);
      if (id.equals("data")) {
        short[] out = new short[size / 2];
        b.position(pos + 8);
        b.slice().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
      }
      pos += 8 + size + (size & 1);
    }
  }

  /** Where the data chunk's header starts. */
  public static int dataChunkAt(byte[] wav) {
    ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    while (!new String(wav, pos, 4, StandardCharsets.US_ASCII).equals("data")) {
      int size = b.getInt(pos + 4);
      pos += 8 + size + (size & 1);
    }
    return pos;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

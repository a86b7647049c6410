package io.inferencia.gpu.pipeline.vad;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds WAV files in memory for tests. */
final class Wavs {
  private Wavs() {}

  /** 16-bit PCM; {@code extensible} writes a WAVE_FORMAT_EXTENSIBLE fmt chunk with the PCM sub-format. */
  static byte[] pcm16(short[] interleaved, int sampleRate, int channels, boolean extensible) {
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

  /** The 16-bit samples of a plain mono PCM WAV written by sox (44-byte header, data last). */
  static short[] samplesOf(byte[] wav) {
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

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

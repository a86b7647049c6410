package io.inferencia.gpu.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** WAV files built in memory for the stego tests: noise samples, optional chunks around the data. */
public final class TestWavs {
  private TestWavs() {}

  /** 16-bit PCM noise, with a LIST chunk before the data and, when {@code trailer}, an odd data byte and a chunk after it. */
  public static byte[] noise(int channels, int samples, long seed, boolean trailer) {
    Random random = new Random(seed);
    byte[] pcm = new byte[samples * 2 + (trailer ? 1 : 0)];
    random.nextBytes(pcm);
    return wav(channels, 16, pcm, trailer);
  }

  public static byte[] wav(int channels, int bits, byte[] data, boolean trailer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] list = chunk("LIST", "INFOISFT\u0006\u0000\u0000\u0000tests\u0000".getBytes(StandardCharsets.ISO_8859_1));
    byte[] fmt = chunk("fmt ", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) 1).putShort((short) channels).putInt(16_000).putInt(16_000 * channels * bits / 8)
        .putShort((short) (channels * bits / 8)).putShort((short) bits).array());
    byte[] dataChunk = chunk("data", data);
    byte[] after = trailer ? chunk("cue ", new byte[] {1, 2, 3, 4}) : new byte[0];
    int riffSize = 4 + fmt.length + list.length + dataChunk.length + after.length;
    out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(riffSize).array());
    out.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(fmt);
    out.writeBytes(list);
    out.writeBytes(dataChunk);
    out.writeBytes(after);
    return out.toByteArray();
  }

  /** A chunk with its header; odd bodies get their pad byte. */
  public static byte[] chunk(String id, byte[] body) {
    ByteBuffer buffer = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
    buffer.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
    return buffer.array();
  }

  /** Offset of the data chunk's first sample byte. */
  public static int dataOffset(byte[] wav) {
    for (int i = 12; i + 8 <= wav.length; ) {
      String id = new String(wav, i, 4, StandardCharsets.US_ASCII);
      int size = ByteBuffer.wrap(wav, i + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (id.equals("data")) return i + 8;
      i += 8 + size + (size & 1);
    }
    throw new IllegalArgumentException("no data chunk");
  }
}

package io.inferencia.gpu.pipeline.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WavReaderTest {
  private final WavReader reader = new WavReader(3600);

  @Test
  void skipsUnknownChunksAndDownmixes() {
    ByteBuffer b = ByteBuffer.allocate(12 + 8 + 3 + 1 + 8 + 16 + 8 + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WAVE"));
    b.put(ascii("LIST")).putInt(3).put(new byte[] {1, 2, 3}).put((byte) 0); // odd size: padded
    b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 2).putInt(8000);
    b.putInt(32000).putShort((short) 4).putShort((short) 16);
    b.put(ascii("data")).putInt(8).putShort((short) 16384).putShort((short) 0).putShort((short) -32768).putShort((short) -32768);
    PcmAudio audio = reader.read(b.array());
    assertEquals(8000, audio.sampleRate());
    assertEquals(2, audio.frames());
    assertArrayEquals(new float[] {0.25f, -1f}, audio.mono());
  }

  @Test
  void rejects8BitAndExtensibleFloat() {
    ByteBuffer b = pcmHeader(1, 8);
    assertInvalid(b.array(), "8-bit");
    ByteBuffer ext = ByteBuffer.allocate(12 + 8 + 40 + 8).order(ByteOrder.LITTLE_ENDIAN);
    ext.put(ascii("RIFF")).putInt(ext.capacity() - 8).put(ascii("WAVE"));
    ext.put(ascii("fmt ")).putInt(40).putShort((short) 0xFFFE).putShort((short) 1).putInt(16000);
    ext.putInt(64000).putShort((short) 4).putShort((short) 32).putShort((short) 22).putShort((short) 32).putInt(4);
    ext.put(new byte[] {3, 0, 0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
    ext.put(ascii("data")).putInt(0);
    assertInvalid(ext.array(), "not PCM");
  }

  private static ByteBuffer pcmHeader(int channels, int bits) {
    ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(36).put(ascii("WAVE"));
    b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) channels).putInt(16000);
    b.putInt(16000 * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits);
    b.put(ascii("data")).putInt(0);
    return b;
  }

  private void assertInvalid(byte[] wav, String messagePart) {
    InferenceException e = assertThrows(InferenceException.class, () -> reader.read(wav));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

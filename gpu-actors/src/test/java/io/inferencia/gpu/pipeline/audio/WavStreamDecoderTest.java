package io.inferencia.gpu.pipeline.audio;

import io.inferencia.protocols.audio.WavFormat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.pipeline.vad.Wavs;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class WavStreamDecoderTest {
  private static final byte[] RECORDING = Wavs.speechRecording();
  private final WavReader reader = new WavReader(3600);

  @Test
  void recordingInPiecesOfAnySizeDecodesAsWavReaderDoes() {
    float[] expected = reader.read(RECORDING).mono();
    assertEquals(140_109, expected.length);
    Random random = new Random(7);
    assertArrayEquals(expected, decode(RECORDING, () -> 1));
    assertArrayEquals(expected, decode(RECORDING, () -> 7));
    assertArrayEquals(expected, decode(RECORDING, () -> 1 + random.nextInt(5000)));
    assertArrayEquals(expected, decode(RECORDING, () -> RECORDING.length));
  }

  @Test
  void stereoAnd8kHzAndExtensibleDecodeAsWavReaderDoes() {
    Random random = new Random(3);
    short[] stereo = new short[2 * 8001];
    for (int i = 0; i < stereo.length; i++) stereo[i] = (short) random.nextInt(65536);
    for (boolean extensible : new boolean[] {false, true}) {
      byte[] wav = Wavs.pcm16(stereo, 8_000, 2, extensible);
      float[] expected = reader.read(wav).mono();
      assertEquals(8001, expected.length);
      assertArrayEquals(expected, decode(wav, () -> 3)); // pieces of 3 bytes split frames and samples
      assertArrayEquals(expected, decode(wav, () -> 1 + random.nextInt(100)));
    }
    WavStreamDecoder decoder = new WavStreamDecoder(3600);
    decoder.feed(Wavs.pcm16(stereo, 8_000, 2, true));
    assertEquals(new WavFormat(2, 8_000), decoder.format().orElseThrow());
    assertEquals(8001, decoder.frames());
  }

  @Test
  void skipsChunksBeforeTheDataAndIgnoresChunksAfterIt() {
    ByteBuffer b = ByteBuffer.allocate(12 + 8 + 3 + 1 + 8 + 16 + 8 + 8 + 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WAVE"));
    b.put(ascii("LIST")).putInt(3).put(new byte[] {1, 2, 3}).put((byte) 0); // odd size: padded
    b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 2).putInt(8000);
    b.putInt(32000).putShort((short) 4).putShort((short) 16);
    b.put(ascii("data")).putInt(8).putShort((short) 16384).putShort((short) 0).putShort((short) -32768).putShort((short) -32768);
    b.put(ascii("id3 ")).putInt(4).putInt(0x7FFF7FFF); // after the declared data: not audio
    for (int piece = 1; piece <= 9; piece++) {
      int size = piece;
      assertArrayEquals(new float[] {0.25f, -1f}, decode(b.array(), () -> size));
    }
  }

  @Test
  void dataOfUnknownLengthRunsToTheEndOfTheStream() {
    short[] samples = new short[1001];
    for (int i = 0; i < samples.length; i++) samples[i] = (short) (i * 37);
    byte[] wav = Wavs.pcm16(samples, 16_000, 1, false);
    float[] expected = reader.read(wav).mono();
    assertArrayEquals(expected, decode(Wavs.withDataSize(wav, 0), () -> 5));
    assertArrayEquals(expected, decode(Wavs.withDataSize(wav, 0xFFFF_FFFFL), () -> 5));
    // A writer cut off inside a frame: the partial frame is dropped.
    byte[] oddTail = Arrays.copyOf(Wavs.withDataSize(wav, 0), wav.length + 1);
    assertArrayEquals(expected, decode(oddTail, () -> 4));
  }

  @Test
  void oddByteWithinTheDeclaredSizeIsDroppedButAMissingOneIsTruncation() {
    short[] stereo = {100, 200, 300, 400, 500};
    byte[] wav = Wavs.pcm16(stereo, 16_000, 2, false); // 10 data bytes: two frames and half of one
    assertArrayEquals(new float[] {150f / 32768, 350f / 32768}, decode(wav, () -> 3));
    assertArrayEquals(reader.read(wav).mono(), decode(wav, () -> 1));
    byte[] cut = Arrays.copyOf(wav, wav.length - 1);
    assertInvalid(() -> decode(cut, () -> 2), "WAV is truncated: chunk 'data' declares 10 bytes but only 9 remain");
  }

  @Test
  void truncatedFilesFailAsWavReaderFails() {
    for (int length : new int[] {RECORDING.length / 2, 30, 36, 40, 44, 11, 0}) {
      byte[] cut = Arrays.copyOf(RECORDING, length);
      String expected = assertThrows(InferenceException.class, () -> reader.read(cut)).getMessage();
      assertInvalid(() -> decode(cut, () -> 13), expected);
    }
    assertInvalid(() -> decode(Arrays.copyOf(RECORDING, RECORDING.length / 2), () -> 4096), "WAV is truncated: chunk 'data'");
    assertInvalid(() -> decode(Arrays.copyOf(RECORDING, 30), () -> 1), "WAV is truncated: chunk 'fmt '");
  }

  @Test
  void refusesWhatWavReaderRefusesWithTheSameMessage() {
    byte[] floatTag = Wavs.pcm16(new short[1600], 16_000, 1, false);
    ByteBuffer.wrap(floatTag).order(ByteOrder.LITTLE_ENDIAN).putShort(20, (short) 3);
    byte[] bits24 = Wavs.pcm16(new short[1600], 16_000, 1, false);
    ByteBuffer.wrap(bits24).order(ByteOrder.LITTLE_ENDIAN).putShort(32, (short) 3).putShort(34, (short) 24);
    byte[] extensibleFloat = Wavs.pcm16(new short[1600], 16_000, 1, true);
    extensibleFloat[44] = 3; // sub-format IEEE float
    byte[] dataFirst = RECORDING.clone();
    System.arraycopy(ascii("data"), 0, dataFirst, 12, 4);
    byte[] notRiff = "not audio at all, just text".getBytes(StandardCharsets.US_ASCII);
    for (byte[] wav : new byte[][] {floatTag, bits24, extensibleFloat, dataFirst, notRiff}) {
      String expected = assertThrows(InferenceException.class, () -> reader.read(wav)).getMessage();
      assertInvalid(() -> decode(wav, () -> 1), expected);
      assertInvalid(() -> decode(wav, () -> wav.length), expected);
    }
    assertInvalid(() -> decode(floatTag, () -> 1), "WAV format tag 3 is not PCM");
    assertInvalid(() -> decode(bits24, () -> 1), "24-bit");
    assertInvalid(() -> decode(notRiff, () -> 1), "not a RIFF/WAVE");
  }

  @Test
  void refusesAHeaderOverOneMebibyteBeforeTheData() {
    int junk = 1 << 20;
    ByteBuffer b = ByteBuffer.allocate(12 + 8 + junk + 8 + 16 + 8 + 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WAVE"));
    b.put(ascii("JUNK")).putInt(junk).position(b.position() + junk);
    b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000);
    b.putInt(32000).putShort((short) 2).putShort((short) 16);
    b.put(ascii("data")).putInt(2).putShort((short) 1);
    WavStreamDecoder decoder = new WavStreamDecoder(3600);
    // Refused as soon as the chunk header declares it, before buffering its body.
    InferenceException e =
        assertThrows(InferenceException.class, () -> decoder.feed(Arrays.copyOf(b.array(), 12 + 8)));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals("WAV has over 1048576 bytes of header before its data chunk", e.getMessage());
    // Just under the limit is fine.
    byte[] fits = b.array().clone();
    ByteBuffer.wrap(fits).order(ByteOrder.LITTLE_ENDIAN).putInt(16, junk - 100);
    System.arraycopy(b.array(), 12 + 8 + junk, fits, 12 + 8 + junk - 100, 16 + 8 + 8 + 2);
    assertArrayEquals(new float[] {1f / 32768}, decode(Arrays.copyOf(fits, fits.length - 100), () -> 65536));
  }

  @Test
  void durationLimitIsCheckedFromTheHeaderOrWhileStreaming() {
    byte[] wav = Wavs.pcm16(new short[3 * 16_000], 16_000, 1, false);
    WavStreamDecoder declared = new WavStreamDecoder(2);
    InferenceException e = assertThrows(InferenceException.class, () -> declared.feed(Arrays.copyOf(wav, 44)));
    assertEquals("audio is 3.0 s long, over the limit of 2 s", e.getMessage());
    WavStreamDecoder unknown = new WavStreamDecoder(2);
    ByteBuffer stream = ByteBuffer.wrap(Wavs.withDataSize(wav, 0));
    assertEquals(0, unknown.feed(stream.slice(0, 44)).length);
    assertEquals(32_000, unknown.feed(stream.slice(44, 64_000)).length); // exactly 2 s is allowed
    e = assertThrows(InferenceException.class, () -> unknown.feed(stream.slice(44 + 64_000, 2)));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals("audio runs over the limit of 2 s", e.getMessage());
  }

  /** Feeds {@code wav} in pieces of the sizes {@code sizes} gives and returns all samples. */
  private static float[] decode(byte[] wav, IntSupplier sizes) {
    WavStreamDecoder decoder = new WavStreamDecoder(3600);
    List<float[]> blocks = new ArrayList<>();
    for (int pos = 0; pos < wav.length; ) {
      int size = Math.min(sizes.getAsInt(), wav.length - pos);
      blocks.add(decoder.feed(ByteBuffer.wrap(wav, pos, size)));
      pos += size;
    }
    decoder.finish();
    return Blocks.concat(blocks);
  }

  private static void assertInvalid(Executable run, String message) {
    InferenceException e = assertThrows(InferenceException.class, run);
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains(message), e.getMessage() + " should contain " + message);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

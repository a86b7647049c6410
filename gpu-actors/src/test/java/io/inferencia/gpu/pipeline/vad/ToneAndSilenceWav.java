package io.inferencia.gpu.pipeline.vad;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongConsumer;

/**
 * A 16 kHz mono 16-bit WAV generated piece by piece and never held whole: minutes of 40 s of silence
 * then 20 s of a 500 Hz tone, repeated. Pieces have an odd size so they split samples.
 */
final class ToneAndSilenceWav implements Iterator<byte[]> {
  static final int RATE = 16_000;
  static final int CYCLE_SECONDS = 60;
  static final int SILENCE_SECONDS = 40;
  private static final int PIECE_BYTES = 48_001;
  private static final short[] TONE_PERIOD = new short[32]; // 500 Hz at 16 kHz
  private final long dataBytes;
  private final LongConsumer onPiece;
  private long dataWritten;
  private boolean headerWritten;

  static {
    for (int i = 0; i < TONE_PERIOD.length; i++) TONE_PERIOD[i] = (short) (0.3 * 32767 * Math.sin(2 * Math.PI * i / 32));
  }

  /** {@code onPiece} is told how many data bytes have been generated before each piece. */
  ToneAndSilenceWav(long seconds, LongConsumer onPiece) {
    this.dataBytes = seconds * RATE * 2;
    this.onPiece = onPiece;
  }

  @Override
  public boolean hasNext() {
    return !headerWritten || dataWritten < dataBytes;
  }

  @Override
  public byte[] next() {
    if (!hasNext()) throw new NoSuchElementException();
    if (!headerWritten) {
      headerWritten = true;
      return header();
    }
    onPiece.accept(dataWritten);
    byte[] piece = new byte[(int) Math.min(PIECE_BYTES, dataBytes - dataWritten)];
    for (int i = 0; i < piece.length; i++, dataWritten++) piece[i] = byteAt(dataWritten);
    return piece;
  }

  private static byte byteAt(long offset) {
    long sample = offset / 2;
    boolean tone = sample / RATE % CYCLE_SECONDS >= SILENCE_SECONDS;
    short value = tone ? TONE_PERIOD[(int) (sample % TONE_PERIOD.length)] : 0;
    return (byte) (offset % 2 == 0 ? value : value >> 8);
  }

  private byte[] header() {
    ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt((int) (36 + dataBytes)).put(ascii("WAVE"));
    b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(RATE);
    b.putInt(RATE * 2).putShort((short) 2).putShort((short) 16);
    b.put(ascii("data")).putInt((int) dataBytes);
    return b.array();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

package io.inferencia.gpu.pipeline.stego;

import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.stego.StegoLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The framed payload: a fixed header ({@link StegoLayout#HEADER_BYTES}: magic, version, content-type
 * length, payload length, CRC-32 of content type and payload, per-chunk share), then the body (the
 * content type's bytes, then the payload). Decode checks every field before trusting it.
 */
public record StegoFrame(String contentType, byte[] payload) {
  static final int MAGIC = 0x49535447; // "ISTG"
  static final int VERSION = 1;

  public StegoFrame {
    if (contentTypeBytes(contentType).length > StegoLayout.MAX_CONTENT_TYPE)
      throw InferenceException.invalid("the secret's content type is over " + StegoLayout.MAX_CONTENT_TYPE + " bytes");
  }

  /** What the header says; {@code bodyBytes} is content type plus payload. */
  public record Header(int contentTypeBytes, long payloadBytes, int crc, int perChunk) {
    public long bodyBytes() {
      return contentTypeBytes + payloadBytes;
    }
  }

  public byte[] body() {
    byte[] type = contentTypeBytes(contentType);
    byte[] body = new byte[type.length + payload.length];
    System.arraycopy(type, 0, body, 0, type.length);
    System.arraycopy(payload, 0, body, type.length, payload.length);
    return body;
  }

  public byte[] header(int perChunk) {
    byte[] type = contentTypeBytes(contentType);
    return ByteBuffer.allocate(StegoLayout.HEADER_BYTES)
        .putInt(MAGIC)
        .put((byte) VERSION)
        .put((byte) type.length)
        .putShort((short) 0)
        .putLong(payload.length)
        .putInt(crc(body()))
        .putInt(perChunk)
        .array();
  }

  /**
   * Parses a header read with some key. A wrong key reads noise, as does a file that carries nothing:
   * the two cannot be told apart without the key, by design (telling them apart would reveal to anyone
   * that a file carries a payload).
   */
  public static Header parseHeader(byte[] header, StegoLayout layout) {
    ByteBuffer in = ByteBuffer.wrap(header);
    if (in.getInt() != MAGIC)
      throw InferenceException.invalid("no payload found: the file carries none, or it was encoded with another key");
    int version = Byte.toUnsignedInt(in.get());
    if (version != VERSION) throw InferenceException.invalid("the payload's frame version " + version + " is not supported");
    int typeBytes = Byte.toUnsignedInt(in.get());
    in.getShort();
    long payloadBytes = in.getLong();
    int crc = in.getInt();
    int perChunk = in.getInt();
    if (payloadBytes < 0 || typeBytes + payloadBytes > layout.bodyCapacityBytes()
        || perChunk < 0 || perChunk > StegoLayout.CHUNK_SAMPLES)
      throw InferenceException.invalid("the payload's frame is damaged: it declares " + payloadBytes
          + " bytes, more than the file can carry");
    return new Header(typeBytes, payloadBytes, crc, perChunk);
  }

  /** The frame from its body, once the CRC matches. */
  public static StegoFrame fromBody(Header header, byte[] body) {
    if (crc(body) != header.crc())
      throw InferenceException.invalid("the payload is corrupted: its CRC-32 does not match (the file was changed after encoding)");
    String type = new String(body, 0, header.contentTypeBytes(), StandardCharsets.UTF_8);
    byte[] payload = java.util.Arrays.copyOfRange(body, header.contentTypeBytes(), body.length);
    return new StegoFrame(type, payload);
  }

  static int crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  private static byte[] contentTypeBytes(String contentType) {
    return contentType.getBytes(StandardCharsets.UTF_8);
  }
}

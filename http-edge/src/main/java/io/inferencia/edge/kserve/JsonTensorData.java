package io.inferencia.edge.kserve;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.inferencia.edge.tensor.RawWriter;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.Tensor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Converts the {@code data} member of a JSON tensor to and from the raw layout, token by token so a
 * large tensor is never a tree of boxed numbers. Nested arrays are flattened in row-major order.
 * FP16 and BF16 travel only as binary data on input, as the protocol says; on output they are widened
 * to JSON numbers.
 */
final class JsonTensorData {
  private JsonTensorData() {}

  /** Raw bytes and element count of one decoded {@code data} value. */
  record Raw(byte[] bytes, long elements) {}

  /**
   * Reads the value at the parser's current token (an array, possibly nested, or one scalar).
   *
   * @param expectedElements element count the shape announces (0 if unknown), to size the buffer
   */
  static Raw read(JsonParser p, String tensor, DataType type, long expectedElements) throws IOException {
    if (type == DataType.FP16 || type == DataType.BF16)
      throw invalid("input '" + tensor + "': " + type + " data must be sent as binary data, not JSON");
    long hint = type == DataType.BYTES ? 256 : Math.max(16, expectedElements) * type.byteSize();
    RawWriter out = new RawWriter((int) Math.min(hint, 1 << 30));
    long elements = 0;
    int depth = 0;
    while (true) {
      JsonToken t = p.currentToken();
      if (t == null) throw invalid("input '" + tensor + "': 'data' ends unexpectedly");
      if (t == JsonToken.START_ARRAY) depth++;
      else if (t == JsonToken.END_ARRAY) depth--;
      else {
        writeElement(p, t, tensor, type, out);
        elements++;
      }
      if (depth == 0) break;
      p.nextToken();
    }
    return new Raw(out.toByteArray(), elements);
  }

  private static void writeElement(JsonParser p, JsonToken t, String tensor, DataType type, RawWriter out)
      throws IOException {
    switch (type) {
      case BOOL -> {
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) throw wrongToken(p, tensor, type);
        out.putByte(t == JsonToken.VALUE_TRUE ? 1 : 0);
      }
      case INT8 -> out.putByte((int) integer(p, t, tensor, type, Byte.MIN_VALUE, Byte.MAX_VALUE));
      case UINT8 -> out.putByte((int) integer(p, t, tensor, type, 0, 0xFF));
      case INT16 -> out.putShort((int) integer(p, t, tensor, type, Short.MIN_VALUE, Short.MAX_VALUE));
      case UINT16 -> out.putShort((int) integer(p, t, tensor, type, 0, 0xFFFF));
      case INT32 -> out.putInt((int) integer(p, t, tensor, type, Integer.MIN_VALUE, Integer.MAX_VALUE));
      case UINT32 -> out.putInt((int) integer(p, t, tensor, type, 0, 0xFFFF_FFFFL));
      case INT64 -> out.putLong(integer(p, t, tensor, type, Long.MIN_VALUE, Long.MAX_VALUE));
      case UINT64 -> out.putLong(unsigned64(p, t, tensor));
      case FP32 -> out.putFloat(real32(p, t, tensor));
      case FP64 -> out.putDouble(real(p, t, tensor, type));
      case BYTES -> {
        if (t != JsonToken.VALUE_STRING) throw wrongToken(p, tensor, type);
        out.putElement(p.getText().getBytes(StandardCharsets.UTF_8));
      }
      default -> throw invalid("input '" + tensor + "': " + type + " cannot be sent as JSON data");
    }
  }

  private static long integer(JsonParser p, JsonToken t, String tensor, DataType type, long min, long max)
      throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) throw wrongToken(p, tensor, type);
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) throw outOfRange(p, tensor, type);
    long v = p.getLongValue();
    if (v < min || v > max) throw outOfRange(p, tensor, type);
    return v;
  }

  private static long unsigned64(JsonParser p, JsonToken t, String tensor) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) throw wrongToken(p, tensor, DataType.UINT64);
    BigInteger v = p.getBigIntegerValue();
    if (v.signum() < 0 || v.bitLength() > 64) throw outOfRange(p, tensor, DataType.UINT64);
    return v.longValue();
  }

  private static double real(JsonParser p, JsonToken t, String tensor, DataType type) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) throw wrongToken(p, tensor, type);
    return p.getDoubleValue();
  }

  /** Parsed straight to the nearest float: no double in between to round twice, and no String (fast parser). */
  private static float real32(JsonParser p, JsonToken t, String tensor) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) throw wrongToken(p, tensor, DataType.FP32);
    return p.getFloatValue();
  }

  private static RuntimeException wrongToken(JsonParser p, String tensor, DataType type) throws IOException {
    String what = type == DataType.BOOL ? "true/false" : type == DataType.BYTES ? "strings" : "numbers";
    return invalid("input '" + tensor + "': " + type + " data must be " + what + ", got " + p.getText());
  }

  private static RuntimeException outOfRange(JsonParser p, String tensor, DataType type) throws IOException {
    return invalid("input '" + tensor + "': value " + p.getText() + " is out of range for " + type);
  }

  /** Writes a tensor's elements as one flat JSON array, as Triton does. */
  static void write(JsonGenerator g, Tensor t) throws IOException {
    ByteBuffer b = t.buffer();
    g.writeStartArray();
    switch (t.datatype()) {
      case BOOL -> { while (b.hasRemaining()) g.writeBoolean(b.get() != 0); }
      case INT8 -> { while (b.hasRemaining()) g.writeNumber(b.get()); }
      case UINT8 -> { while (b.hasRemaining()) g.writeNumber(b.get() & 0xFF); }
      case INT16 -> { while (b.remaining() >= 2) g.writeNumber(b.getShort()); }
      case UINT16 -> { while (b.remaining() >= 2) g.writeNumber(b.getShort() & 0xFFFF); }
      case INT32 -> { while (b.remaining() >= 4) g.writeNumber(b.getInt()); }
      case UINT32 -> { while (b.remaining() >= 4) g.writeNumber(Integer.toUnsignedLong(b.getInt())); }
      case INT64 -> { while (b.remaining() >= 8) g.writeNumber(b.getLong()); }
      case UINT64 -> {
        while (b.remaining() >= 8) {
          long v = b.getLong();
          if (v >= 0) g.writeNumber(v);
          else g.writeNumber(new BigInteger(Long.toUnsignedString(v)));
        }
      }
      case FP16 -> { while (b.remaining() >= 2) g.writeNumber(halfToFloat(b.getShort())); }
      case BF16 -> { while (b.remaining() >= 2) g.writeNumber(Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16)); }
      case FP32 -> { while (b.remaining() >= 4) g.writeNumber(b.getFloat()); }
      case FP64 -> { while (b.remaining() >= 8) g.writeNumber(b.getDouble()); }
      case BYTES -> {
        for (byte[] e : t.asBytesElements()) g.writeString(new String(e, StandardCharsets.UTF_8));
      }
    }
    g.writeEndArray();
  }

  /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short half) {
    int bits = half & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
    if (exp == 0) {
      float v = mant * 0x1p-24f; // zero or subnormal
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}

package io.inferencia.gpu.classification;

import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Triton's classification extension: an output requested with {@code classification: n} comes back
 * as BYTES of shape [batch, n] (or [n] without a batch dimension), each element
 * {@code "<value>:<index>[:<label>]"} for the n highest values of that batch item, highest first,
 * compared in the output's own type. n larger than an item's element count gives them all.
 */
public final class Classifier {
  private final Map<String, List<String>> labels;
  private final boolean batched;

  public Classifier(Map<String, List<String>> labels, boolean batched) {
    this.labels = labels;
    this.batched = batched;
  }

  public List<Tensor> apply(InferRequest request, List<Tensor> outputs) {
    if (request.classifications().isEmpty()) return outputs;
    List<Tensor> out = new ArrayList<>(outputs.size());
    for (Tensor t : outputs) {
      Integer n = request.classifications().get(t.name());
      out.add(n == null ? t : classify(t, n));
    }
    return out;
  }

  Tensor classify(Tensor t, int n) {
    long items = batched && t.shape().length > 0 ? t.shape()[0] : 1;
    int perItem = (int) (t.elementCount() / Math.max(1, items));
    int count = Math.min(n, perItem);
    List<String> names = labels.getOrDefault(t.name(), List.of());
    double[] values = values(t);
    List<String> elements = new ArrayList<>((int) items * count);
    for (int item = 0; item < items; item++) {
      int base = item * perItem;
      Integer[] order = new Integer[perItem];
      for (int i = 0; i < perItem; i++) order[i] = i;
      // Highest first; equal values keep index order.
      java.util.Arrays.sort(order, (a, b) -> Double.compare(values[base + b], values[base + a]));
      for (int k = 0; k < count; k++) {
        int index = order[k];
        String value = format(t.datatype(), values[base + index]);
        elements.add(index < names.size() ? value + ":" + index + ":" + names.get(index) : value + ":" + index);
      }
    }
    long[] shape = batched ? new long[] {items, count} : new long[] {count};
    return Tensor.ofStrings(t.name(), shape, elements);
  }

  /** Doubles hold every value of the types up to 32 bits exactly, and compare 64-bit ones closely enough. */
  private static double[] values(Tensor t) {
    ByteBuffer b = t.buffer();
    double[] v = new double[(int) t.elementCount()];
    for (int i = 0; i < v.length; i++)
      v[i] = switch (t.datatype()) {
        case FP32 -> b.getFloat();
        case FP64 -> b.getDouble();
        case INT8 -> b.get();
        case UINT8, BOOL -> b.get() & 0xFF;
        case INT16 -> b.getShort();
        case UINT16 -> b.getShort() & 0xFFFF;
        case INT32 -> b.getInt();
        case UINT32 -> b.getInt() & 0xFFFFFFFFL;
        case INT64 -> b.getLong();
        case UINT64 -> unsigned(b.getLong());
        case FP16 -> halfToFloat(b.getShort());
        case BF16 -> Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
        case BYTES -> throw new IllegalArgumentException("BYTES outputs cannot be classified");
      };
    return v;
  }

  /** IEEE 754 binary16 to float (Float.float16ToFloat needs Java 20). */
  static float halfToFloat(short half) {
    int bits = half & 0xFFFF;
    int sign = (bits >>> 15) << 31;
    int exponent = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exponent == 0) {
      float subnormal = mantissa * 0x1p-24f;
      return sign == 0 ? subnormal : -subnormal;
    }
    if (exponent == 31) return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
  }

  /** Floats as C's %f (what Triton prints), integers as integers. */
  private static String format(DataType type, double v) {
    return switch (type) {
      case FP32, FP64, FP16, BF16 -> String.format(Locale.ROOT, "%f", v);
      default -> Long.toString((long) v);
    };
  }
}

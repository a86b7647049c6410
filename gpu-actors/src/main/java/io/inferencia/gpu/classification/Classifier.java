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
      for (int index : top(values, base, perItem, count)) {
        String value = format(t.datatype(), values[base + index]);
        elements.add(index < names.size() ? value + ":" + index + ":" + names.get(index) : value + ":" + index);
      }
    }
    long[] shape = batched ? new long[] {items, count} : new long[] {count};
    return Tensor.ofStrings(t.name(), shape, elements);
  }

  /**
   * The indices of the {@code count} highest of {@code n} values from {@code base}, highest first,
   * equal values in index order. A min-heap of {@code count} keeps this O(n log count): it runs on the
   * batcher's thread, and an output can hold hundreds of thousands of values per item.
   */
  static int[] top(double[] values, int base, int n, int count) {
    int[] heap = new int[count]; // heap[0] is the weakest kept index
    int size = 0;
    for (int i = 0; i < n; i++) {
      if (size < count) {
        heap[size] = i;
        siftUp(heap, size++, values, base);
      } else if (stronger(i, heap[0], values, base)) {
        heap[0] = i;
        siftDown(heap, size, values, base);
      }
    }
    int[] out = new int[size];
    for (int k = size - 1; k >= 0; k--) {
      out[k] = heap[0];
      heap[0] = heap[k];
      siftDown(heap, k, values, base);
    }
    return out;
  }

  /** Higher value first; on a tie the lower index. */
  private static boolean stronger(int a, int b, double[] values, int base) {
    int c = Double.compare(values[base + a], values[base + b]);
    return c > 0 || (c == 0 && a < b);
  }

  private static void siftUp(int[] heap, int k, double[] values, int base) {
    while (k > 0) {
      int parent = (k - 1) / 2;
      if (!stronger(heap[parent], heap[k], values, base)) return;
      swap(heap, parent, k);
      k = parent;
    }
  }

  private static void siftDown(int[] heap, int size, double[] values, int base) {
    int k = 0;
    while (true) {
      int weakest = k;
      for (int child = 2 * k + 1; child <= 2 * k + 2 && child < size; child++)
        if (stronger(heap[weakest], heap[child], values, base)) weakest = child;
      if (weakest == k) return;
      swap(heap, k, weakest);
      k = weakest;
    }
  }

  private static void swap(int[] heap, int a, int b) {
    int t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
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

package io.inferencia.gpu.batching;

import io.inferencia.protocols.inference.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Concatenates requests' inputs along dimension 0 and splits batch outputs back per request. */
public final class TensorBatching {
  private TensorBatching() {}

  /**
   * One stacked input per input name: the requests' tensors of that name along dimension 0. The
   * requests come from one bucket, so every other dimension is identical.
   */
  public static List<StackedInput> concat(List<List<Tensor>> perRequest, List<String> inputNames) {
    List<StackedInput> batch = new ArrayList<>(inputNames.size());
    for (String name : inputNames) {
      List<byte[]> parts = new ArrayList<>(perRequest.size());
      Tensor first = null;
      long rows = 0;
      for (List<Tensor> inputs : perRequest) {
        Tensor t = find(inputs, name);
        if (first == null) first = t;
        rows += t.shape()[0];
        parts.add(t.data());
      }
      long[] shape = first.shape().clone();
      shape[0] = rows;
      batch.add(new StackedInput(name, first.datatype(), shape, parts));
    }
    return batch;
  }

  /** Splits every output along dimension 0 into slices of the given batch sizes, in request order. */
  public static List<List<Tensor>> split(List<Tensor> outputs, int[] batchSizes) {
    // One request owns the whole batch: its outputs are the batch's, no copy needed.
    if (batchSizes.length == 1) {
      for (Tensor out : outputs)
        if (out.shape().length == 0 || out.shape()[0] != batchSizes[0])
          throw new IllegalStateException("output '" + out.name() + "' has shape " + Arrays.toString(out.shape())
              + ", expected batch dimension " + batchSizes[0]);
      return List.of(outputs);
    }
    int total = Arrays.stream(batchSizes).sum();
    List<List<Tensor>> perRequest = new ArrayList<>(batchSizes.length);
    for (int i = 0; i < batchSizes.length; i++) perRequest.add(new ArrayList<>(outputs.size()));
    for (Tensor out : outputs) {
      if (out.shape().length == 0 || out.shape()[0] != total)
        throw new IllegalStateException(
            "output '" + out.name() + "' has shape " + Arrays.toString(out.shape()) + ", expected batch dimension " + total);
      int rowBytes = total == 0 ? 0 : out.data().length / total;
      int offset = 0;
      for (int i = 0; i < batchSizes.length; i++) {
        long[] shape = out.shape().clone();
        shape[0] = batchSizes[i];
        byte[] slice = Arrays.copyOfRange(out.data(), offset, offset + rowBytes * batchSizes[i]);
        offset += rowBytes * batchSizes[i];
        perRequest.get(i).add(new Tensor(out.name(), out.datatype(), shape, slice));
      }
    }
    return perRequest;
  }

  /**
   * The tensor with the config's reshape applied: {@code [batch] + reshape} for batching models,
   * {@code reshape} otherwise; a -1 in the reshape takes the remaining element count.
   */
  public static Tensor reshape(Tensor t, List<Long> reshape, boolean batched) {
    return new Tensor(t.name(), t.datatype(), reshaped(t.shape(), t.elementCount(), reshape, batched), t.data());
  }

  /** The shape {@code reshape} gives a tensor of {@code shape} holding {@code elements} elements. */
  public static long[] reshaped(long[] shape, long elements, List<Long> reshape, boolean batched) {
    long[] target = new long[reshape.size() + (batched ? 1 : 0)];
    int i = 0;
    if (batched) target[i++] = shape[0];
    for (long d : reshape) target[i++] = d;
    int unknown = -1;
    long known = 1;
    for (int k = 0; k < target.length; k++) {
      if (target[k] == -1) unknown = k;
      else known *= target[k];
    }
    if (unknown >= 0) target[unknown] = known == 0 ? 0 : elements / known;
    return target;
  }

  private static Tensor find(List<Tensor> inputs, String name) {
    for (Tensor t : inputs) if (t.name().equals(name)) return t;
    throw new IllegalArgumentException("input '" + name + "' is missing");
  }
}

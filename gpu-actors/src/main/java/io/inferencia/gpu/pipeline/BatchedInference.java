package io.inferencia.gpu.pipeline;

import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends a batch of equally shaped items to one model as requests of at most {@code maxBatch} items
 * each (the model's max_batch_size), all at once so the router can batch them, and returns the
 * responses in item order.
 */
public final class BatchedInference {
  private BatchedInference() {}

  /** The chunked requests for {@code count} items of shape {@code itemShape} laid out back to back. */
  public static List<InferRequest> requests(
      String model, String input, float[] items, int count, long[] itemShape, int maxBatch) {
    int itemSize = (int) Tensor.elementCount(itemShape);
    List<InferRequest> requests = new ArrayList<>();
    for (int from = 0; from < count; from += maxBatch) {
      int n = Math.min(maxBatch, count - from);
      long[] shape = new long[itemShape.length + 1];
      shape[0] = n;
      System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
      float[] chunk = Arrays.copyOfRange(items, from * itemSize, (from + n) * itemSize);
      requests.add(InferRequest.of(model, List.of(Tensor.ofFloats(input, shape, chunk))));
    }
    return requests;
  }

  public static CompletionStage<List<InferResponse>> inferAll(Inferer inferer, List<InferRequest> requests) {
    List<CompletableFuture<InferResponse>> futures = new ArrayList<>(requests.size());
    for (InferRequest r : requests) futures.add(inferer.infer(r).toCompletableFuture());
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(done -> futures.stream().map(CompletableFuture::join).toList());
  }
}

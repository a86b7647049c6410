package io.inferencia.protocols.inference;

import io.inferencia.protocols.CborSerializable;
import java.util.List;

/**
 * Cumulative statistics of one loaded model version since it was (re)loaded, in the shape of Triton's
 * statistics extension ({@code GET /v2/models/{m}/stats}, gRPC ModelStatistics).
 *
 * @param lastInferenceMillis when the last request arrived, milliseconds since the epoch; 0 if none
 * @param inferenceCount items served successfully (a request of batch 8 counts 8)
 * @param executionCount model executions (one dynamic batch counts once)
 */
public record ModelStatistics(String name, String version, long lastInferenceMillis, long inferenceCount,
    long executionCount, InferStats inferenceStats, List<BatchStats> batchStats) implements CborSerializable {

  /** A count and the total of its durations. */
  public record Duration(long count, long nanos) implements CborSerializable {
    public static final Duration ZERO = new Duration(0, 0);
  }

  /**
   * Per request: success and fail are the whole time in the inference core; queue is the wait for a
   * batch; compute_* are the shares of the request's batch spent preparing inputs, running the model
   * and extracting outputs; cache_hit and cache_miss are response-cache lookups (a hit also counts as
   * a success, but not in inference_count).
   */
  public record InferStats(Duration success, Duration fail, Duration queue, Duration computeInput,
      Duration computeInfer, Duration computeOutput, Duration cacheHit, Duration cacheMiss) implements CborSerializable {}

  /** Per executed batch size: how often it ran and how long each phase took. */
  public record BatchStats(long batchSize, Duration computeInput, Duration computeInfer, Duration computeOutput)
      implements CborSerializable {}
}

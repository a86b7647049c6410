package io.inferencia.edge.grpc;

import io.inferencia.protocols.grpc.InferBatchStatistics;
import io.inferencia.protocols.grpc.InferStatistics;
import io.inferencia.protocols.grpc.ModelStatisticsResponse;
import io.inferencia.protocols.grpc.StatisticDuration;
import io.inferencia.protocols.inference.ModelStatistics;
import java.util.List;

/** Maps the core's per-version statistics to Triton's ModelStatisticsResponse. */
final class GrpcStatistics {
  private GrpcStatistics() {}

  static ModelStatisticsResponse response(List<ModelStatistics> models) {
    ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
    for (ModelStatistics m : models) {
      var s = m.inferenceStats();
      var model = b.addModelStatsBuilder()
          .setName(m.name())
          .setVersion(m.version())
          .setLastInference(m.lastInferenceMillis())
          .setInferenceCount(m.inferenceCount())
          .setExecutionCount(m.executionCount())
          .setInferenceStats(InferStatistics.newBuilder()
              .setSuccess(duration(s.success()))
              .setFail(duration(s.fail()))
              .setQueue(duration(s.queue()))
              .setComputeInput(duration(s.computeInput()))
              .setComputeInfer(duration(s.computeInfer()))
              .setComputeOutput(duration(s.computeOutput()))
              .setCacheHit(duration(s.cacheHit()))
              .setCacheMiss(duration(s.cacheMiss())));
      for (ModelStatistics.BatchStats batch : m.batchStats())
        model.addBatchStats(InferBatchStatistics.newBuilder()
            .setBatchSize(batch.batchSize())
            .setComputeInput(duration(batch.computeInput()))
            .setComputeInfer(duration(batch.computeInfer()))
            .setComputeOutput(duration(batch.computeOutput())));
    }
    return b.build();
  }

  private static StatisticDuration duration(ModelStatistics.Duration d) {
    return StatisticDuration.newBuilder().setCount(d.count()).setNs(d.nanos()).build();
  }
}

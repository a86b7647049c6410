package io.inferencia.edge.kserve;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.inferencia.protocols.inference.ModelStatistics;
import java.util.List;

/** Triton's statistics extension response: {@code {"model_stats": [...]}} with its field names, as records. */
final class StatisticsJson {
  private StatisticsJson() {}

  record Response(@JsonProperty("model_stats") List<Model> modelStats) {}

  record Model(String name, String version,
      @JsonProperty("last_inference") long lastInference,
      @JsonProperty("inference_count") long inferenceCount,
      @JsonProperty("execution_count") long executionCount,
      @JsonProperty("inference_stats") Inference inferenceStats,
      @JsonProperty("batch_stats") List<Batch> batchStats) {}

  record Inference(Duration success, Duration fail, Duration queue,
      @JsonProperty("compute_input") Duration computeInput,
      @JsonProperty("compute_infer") Duration computeInfer,
      @JsonProperty("compute_output") Duration computeOutput,
      @JsonProperty("cache_hit") Duration cacheHit,
      @JsonProperty("cache_miss") Duration cacheMiss) {}

  record Batch(@JsonProperty("batch_size") long batchSize,
      @JsonProperty("compute_input") Duration computeInput,
      @JsonProperty("compute_infer") Duration computeInfer,
      @JsonProperty("compute_output") Duration computeOutput) {}

  record Duration(long count, long ns) {}

  static Response response(List<ModelStatistics> models) {
    return new Response(models.stream().map(StatisticsJson::model).toList());
  }

  private static Model model(ModelStatistics m) {
    var s = m.inferenceStats();
    Inference inference = new Inference(duration(s.success()), duration(s.fail()), duration(s.queue()),
        duration(s.computeInput()), duration(s.computeInfer()), duration(s.computeOutput()), duration(s.cacheHit()),
        duration(s.cacheMiss()));
    List<Batch> batches = m.batchStats().stream()
        .map(b -> new Batch(b.batchSize(), duration(b.computeInput()), duration(b.computeInfer()), duration(b.computeOutput())))
        .toList();
    return new Model(m.name(), m.version(), m.lastInferenceMillis(), m.inferenceCount(), m.executionCount(), inference,
        batches);
  }

  private static Duration duration(ModelStatistics.Duration d) {
    return new Duration(d.count(), d.nanos());
  }
}

package io.inferencia.edge.kserve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferencia.protocols.inference.ModelStatistics;
import java.util.List;

/** Triton's statistics extension response: {@code {"model_stats": [...]}} with its field names. */
final class StatisticsJson {
  private StatisticsJson() {}

  static ObjectNode response(List<ModelStatistics> models) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode stats = root.putArray("model_stats");
    for (ModelStatistics m : models) {
      ObjectNode o = stats.addObject();
      o.put("name", m.name());
      o.put("version", m.version());
      o.put("last_inference", m.lastInferenceMillis());
      o.put("inference_count", m.inferenceCount());
      o.put("execution_count", m.executionCount());
      var s = m.inferenceStats();
      ObjectNode inference = o.putObject("inference_stats");
      duration(inference, "success", s.success());
      duration(inference, "fail", s.fail());
      duration(inference, "queue", s.queue());
      duration(inference, "compute_input", s.computeInput());
      duration(inference, "compute_infer", s.computeInfer());
      duration(inference, "compute_output", s.computeOutput());
      duration(inference, "cache_hit", s.cacheHit());
      duration(inference, "cache_miss", s.cacheMiss());
      ArrayNode batches = o.putArray("batch_stats");
      for (ModelStatistics.BatchStats b : m.batchStats()) {
        ObjectNode batch = batches.addObject();
        batch.put("batch_size", b.batchSize());
        duration(batch, "compute_input", b.computeInput());
        duration(batch, "compute_infer", b.computeInfer());
        duration(batch, "compute_output", b.computeOutput());
      }
    }
    return root;
  }

  private static void duration(ObjectNode into, String field, ModelStatistics.Duration d) {
    ObjectNode o = into.putObject(field);
    o.put("count", d.count());
    o.put("ns", d.nanos());
  }
}

package io.inferencia.edge.testkit;

import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.inference.ModelStatistics.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The statistics of one fake model version, counted from the fake's answers the way the core counts a
 * pipeline model's (one execution per request, all of its time inference), so the edges render real counts.
 */
final class FakeStatistics {
  private final String model;
  private final String version;
  private long lastInferenceMillis;
  private long inferenceCount;
  private Duration success = Duration.ZERO;
  private Duration fail = Duration.ZERO;
  private final Map<Long, Duration> executions = new TreeMap<>();

  FakeStatistics(String model, String version) {
    this.model = model;
    this.version = version;
  }

  synchronized void succeeded(int items, long nanos) {
    lastInferenceMillis = System.currentTimeMillis();
    inferenceCount += items;
    success = plus(success, nanos);
    executions.merge((long) items, new Duration(1, nanos), (a, b) -> plus(a, b.nanos()));
  }

  synchronized void failed(long nanos) {
    lastInferenceMillis = System.currentTimeMillis();
    fail = plus(fail, nanos);
  }

  synchronized ModelStatistics snapshot() {
    Duration noTime = new Duration(success.count(), 0);
    var stats = new ModelStatistics.InferStats(success, fail, noTime, noTime, success, noTime, Duration.ZERO,
        Duration.ZERO);
    List<ModelStatistics.BatchStats> batches = executions.entrySet().stream()
        .map(e -> new ModelStatistics.BatchStats(e.getKey(), new Duration(e.getValue().count(), 0), e.getValue(),
            new Duration(e.getValue().count(), 0)))
        .toList();
    return new ModelStatistics(model, version, lastInferenceMillis, inferenceCount, success.count(), stats, batches);
  }

  private static Duration plus(Duration d, long nanos) {
    return new Duration(d.count() + 1, d.nanos() + nanos);
  }
}

package io.inferencia.gpu.placement;

import io.inferencia.protocols.placement.DeviceBudget;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import kamon.metric.Metric;
import kamon.tag.TagSet;

/**
 * The node's placement in Prometheus: replicas by model and state, loads (latency, pending), evictions,
 * unmet demand (versions requests wait for that do not fit even after every evictable replica went:
 * what an autoscaler adds gpu nodes on) and each device's memory budget and use.
 */
public final class PlacementMetrics {
  private static final Metric.Gauge REPLICAS = Kamon.gauge("inferencia.replicas",
      "Model version replicas on this node by state (LOADING, READY, UNLOADING, IDLE for unloaded on-demand versions)");
  private static final Metric.Counter EVICTIONS = Kamon.counter("inferencia.replica.evictions",
      "Idle replicas unloaded to make room for another");
  private static final Histogram LOAD_TIME = Kamon.histogram("inferencia.replica.load.duration",
      "Time from a replica's turn to load until it served", MeasurementUnit.time().nanoseconds()).withoutTags();
  private static final Metric.Counter RELEASES = Kamon.counter("inferencia.replica.releases",
      "Replicas unloaded because autoscaling wanted fewer");
  private static final Metric.Counter HELD = Kamon.counter("inferencia.replica.held.requests",
      "Requests that waited for their model version to load (the misses of the replica cache)");
  private static final Gauge PENDING = Kamon.gauge("inferencia.replica.pending.loads",
      "Replicas waiting for their turn to load on this node").withoutTags();
  private static final Gauge UNMET = Kamon.gauge("inferencia.replica.unmet.demand",
      "Replicas wanted on this node that do not fit its memory budget").withoutTags();
  private static final Metric.Gauge BUDGET = Kamon.gauge("inferencia.device.memory.budget",
      "Bytes replicas may take on the device (0: no limit)", MeasurementUnit.information().bytes());
  private static final Metric.Gauge USED = Kamon.gauge("inferencia.device.memory.used",
      "Bytes the replicas placed on the device take", MeasurementUnit.information().bytes());

  private final Set<TagSet> replicaSeries = new HashSet<>();

  /** Sets the replica gauges from counts by (model, state); series not in {@code counts} go to 0. */
  public void replicas(Map<List<String>, Integer> counts) {
    Set<TagSet> seen = new HashSet<>();
    counts.forEach((key, n) -> {
      TagSet tags = TagSet.of("model", key.get(0)).withTag("state", key.get(1));
      seen.add(tags);
      REPLICAS.withTags(tags).update(n);
    });
    for (TagSet old : replicaSeries) if (!seen.contains(old)) REPLICAS.withTags(old).update(0);
    replicaSeries.addAll(seen);
  }

  public void evicted(String model) {
    EVICTIONS.withTag("model", model).increment();
  }

  public void released(String model) {
    RELEASES.withTag("model", model).increment();
  }

  public void held(String model) {
    HELD.withTag("model", model).increment();
  }

  public void loaded(Duration took) {
    LOAD_TIME.record(Math.max(0, took.toNanos()));
  }

  public void queue(int pending, int unmet) {
    PENDING.update(pending);
    UNMET.update(unmet);
  }

  public void devices(List<DeviceBudget> budgets) {
    for (DeviceBudget b : budgets) {
      BUDGET.withTag("device", b.device()).update(b.budgetBytes());
      USED.withTag("device", b.device()).update(b.usedBytes());
    }
  }
}

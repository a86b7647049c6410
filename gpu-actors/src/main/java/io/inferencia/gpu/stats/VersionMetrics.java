package io.inferencia.gpu.stats;

import io.inferencia.gpu.runtime.PhaseTimes;
import java.util.concurrent.TimeUnit;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import kamon.tag.TagSet;

/**
 * One model version's Prometheus metrics, under Triton's names where the meaning is the same, plus the
 * histograms Triton lacks (request latency, queue time, batch size) so that percentiles come from
 * buckets. The instruments are resolved once per version; recording is a lock-free add, without
 * allocation, on the threads that already record {@link VersionStatistics}.
 */
final class VersionMetrics {
  private final Counter success;
  private final Counter failure;
  private final Counter inferences;
  private final Counter executions;
  private final Counter requestMicros;
  private final Counter queueMicros;
  private final Counter inputMicros;
  private final Counter inferMicros;
  private final Counter outputMicros;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Gauge pending;
  private final Histogram latency;
  private final Histogram queueTime;
  private final Histogram batchSize;

  VersionMetrics(String model, String version) {
    TagSet tags = TagSet.of("model", model).withTag("version", version);
    success = counter("nv_inference_request_success", "Successful inference requests (cached ones included)", tags);
    failure = counter("nv_inference_request_failure", "Failed inference requests", tags);
    inferences = counter("nv_inference_count", "Inferences performed (a batch of n counts n; cached ones excluded)", tags);
    executions = counter("nv_inference_exec_count", "Model executions (batches) performed", tags);
    requestMicros = counter("nv_inference_request_duration_us",
        "Cumulative end-to-end duration of successful requests in microseconds (cached ones included)", tags);
    queueMicros = counter("nv_inference_queue_duration_us", "Cumulative queue time of requests in microseconds", tags);
    inputMicros = counter("nv_inference_compute_input_duration_us",
        "Cumulative time preparing inputs in microseconds", tags);
    inferMicros = counter("nv_inference_compute_infer_duration_us",
        "Cumulative time executing the model in microseconds", tags);
    outputMicros = counter("nv_inference_compute_output_duration_us",
        "Cumulative time extracting outputs in microseconds", tags);
    cacheHits = counter("nv_cache_num_hits_per_model", "Response cache hits", tags);
    cacheMisses = counter("nv_cache_num_misses_per_model", "Response cache misses", tags);
    pending = Kamon.gauge("nv_inference_pending_request_count", "Requests queued, awaiting execution").withTags(tags);
    latency = Kamon.histogram("inferencia.inference.request.duration",
        "End-to-end duration of successful requests", MeasurementUnit.time().nanoseconds()).withTags(tags);
    queueTime = Kamon.histogram("inferencia.inference.queue.duration",
        "Time requests waited for a batch", MeasurementUnit.time().nanoseconds()).withTags(tags);
    batchSize = Kamon.histogram("inferencia.inference.batch.size", "Items per model execution").withTags(tags);
  }

  private static Counter counter(String name, String description, TagSet tags) {
    return Kamon.counter(name, description).withTags(tags);
  }

  void succeeded(int items, long totalNanos, long queueNanos, PhaseTimes batch) {
    success.increment();
    inferences.increment(items);
    requestMicros.increment(micros(totalNanos));
    queueMicros.increment(micros(queueNanos));
    inputMicros.increment(micros(batch.inputNanos()));
    inferMicros.increment(micros(batch.inferNanos()));
    outputMicros.increment(micros(batch.outputNanos()));
    latency.record(Math.max(0, totalNanos));
    queueTime.record(Math.max(0, queueNanos));
  }

  void executed(int items) {
    executions.increment();
    batchSize.record(items);
  }

  void cacheHit(long lookupNanos) {
    success.increment();
    cacheHits.increment();
    requestMicros.increment(micros(lookupNanos));
    latency.record(Math.max(0, lookupNanos));
  }

  void cacheMiss() {
    cacheMisses.increment();
  }

  void failed() {
    failure.increment();
  }

  void queued(int delta) {
    if (delta > 0) pending.increment(delta);
    else if (delta < 0) pending.decrement(-delta);
  }

  private static long micros(long nanos) {
    return nanos <= 0 ? 0 : TimeUnit.NANOSECONDS.toMicros(nanos);
  }
}

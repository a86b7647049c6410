package io.inferencia.gpu.stats;

import io.inferencia.gpu.runtime.PhaseTimes;
import io.inferencia.protocols.inference.ModelStatistics;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The running totals behind Triton's statistics extension for one loaded model version. The batcher
 * records from its actor thread, pipelines from their futures and the manager from its own thread, so
 * every counter is a lock-free adder; a snapshot is consistent per counter, not across counters. The
 * same events feed the version's Prometheus metrics ({@link VersionMetrics}).
 */
public final class VersionStatistics {
  private final String model;
  private final String version;
  private final AtomicLong lastInferenceMillis = new AtomicLong();
  private final LongAdder inferenceCount = new LongAdder();
  private final LongAdder executionCount = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final DurationCounter success = new DurationCounter();
  private final DurationCounter fail = new DurationCounter();
  private final DurationCounter queue = new DurationCounter();
  private final DurationCounter computeInput = new DurationCounter();
  private final DurationCounter computeInfer = new DurationCounter();
  private final DurationCounter computeOutput = new DurationCounter();
  private final DurationCounter cacheHit = new DurationCounter();
  private final DurationCounter cacheMiss = new DurationCounter();
  private final ConcurrentSkipListMap<Integer, BatchCounters> batches = new ConcurrentSkipListMap<>();
  private final VersionMetrics metrics;

  public VersionStatistics(String model, String version) {
    this.model = model;
    this.version = version;
    this.metrics = new VersionMetrics(model, version);
  }

  /**
   * One request answered from a model execution: {@code totalNanos} from its arrival at the batcher
   * to its answer, {@code queueNanos} of which it waited for a batch, and the phases of its batch.
   */
  public void succeeded(int items, long totalNanos, long queueNanos, PhaseTimes batch) {
    touch();
    inferenceCount.add(items);
    success.add(1, totalNanos);
    queue.add(1, queueNanos);
    computeInput.add(1, batch.inputNanos());
    computeInfer.add(1, batch.inferNanos());
    computeOutput.add(1, batch.outputNanos());
    metrics.succeeded(items, totalNanos, queueNanos, batch);
  }

  /** One model execution of {@code batchSize} items. */
  public void executed(int batchSize, PhaseTimes times) {
    executionCount.increment();
    batches.computeIfAbsent(batchSize, b -> new BatchCounters()).add(times);
    metrics.executed(batchSize);
  }

  /** A request handed to this version (the repository manager counts them, for the in-flight view). */
  public void accepted() {
    accepted.increment();
  }

  /** Nanoseconds requests spent from their arrival to their answer, summed: its growth over a window is the average concurrency. */
  public long busyNanos() {
    return success.nanos() + fail.nanos();
  }

  /** Requests accepted and not yet answered (approximate: the counters are read one after the other). */
  public long inFlight() {
    return Math.max(0, accepted.sum() - success.count() - fail.count());
  }

  /**
   * A request a pipeline model (ocr, vad_segments) answered: it runs once per request, so the whole
   * run counts as one execution whose time is all inference.
   */
  public void pipelineSucceeded(int items, long totalNanos) {
    PhaseTimes run = new PhaseTimes(0, totalNanos, 0);
    succeeded(items, totalNanos, 0, run);
    executed(items, run);
  }

  /** A request answered from the response cache; as in Triton a success, not an inference. */
  public void cacheHit(long lookupNanos) {
    touch();
    success.add(1, lookupNanos);
    cacheHit.add(1, lookupNanos);
    metrics.cacheHit(lookupNanos);
  }

  /** A response-cache lookup that found nothing; the request goes on to the queue. */
  public void cacheMiss(long lookupNanos) {
    cacheMiss.add(1, lookupNanos);
    metrics.cacheMiss();
  }

  /** A request that reached this version and was refused or failed after {@code totalNanos}. */
  public void failed(long totalNanos) {
    touch();
    fail.add(1, totalNanos);
    metrics.failed();
  }

  /**
   * The batcher's queue grew or shrank by {@code delta} requests (Triton's pending request count: queued,
   * not yet executing).
   */
  public void queued(int delta) {
    metrics.queued(delta);
  }

  private void touch() {
    lastInferenceMillis.set(System.currentTimeMillis());
  }

  public ModelStatistics snapshot() {
    var inference = new ModelStatistics.InferStats(success.snapshot(), fail.snapshot(), queue.snapshot(),
        computeInput.snapshot(), computeInfer.snapshot(), computeOutput.snapshot(), cacheHit.snapshot(),
        cacheMiss.snapshot());
    List<ModelStatistics.BatchStats> perBatch = batches.entrySet().stream()
        .map(e -> e.getValue().snapshot(e.getKey())).toList();
    return new ModelStatistics(model, version, lastInferenceMillis.get(), inferenceCount.sum(), executionCount.sum(),
        inference, perBatch);
  }

  private static final class BatchCounters {
    private final DurationCounter input = new DurationCounter();
    private final DurationCounter infer = new DurationCounter();
    private final DurationCounter output = new DurationCounter();

    void add(PhaseTimes t) {
      input.add(1, t.inputNanos());
      infer.add(1, t.inferNanos());
      output.add(1, t.outputNanos());
    }

    ModelStatistics.BatchStats snapshot(int batchSize) {
      return new ModelStatistics.BatchStats(batchSize, input.snapshot(), infer.snapshot(), output.snapshot());
    }
  }
}

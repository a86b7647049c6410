package io.inferencia.gpu.batching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Learns the batch-size cap with the best throughput (items/s) online. Beyond Triton: a fixed
 * preferred size is right for one device and one load, while this measures it where it runs.
 *
 * <p>Candidate caps are the powers of two up to max_batch_size. Exploring tries each in turn until it
 * has seen enough full batches of that size (an EWMA of their execution time, after a few warm-up
 * batches that are not counted); if the load cannot fill
 * a cap within a few batches, larger caps cannot be filled either and exploring stops there, as it does
 * once throughput has clearly fallen past its peak. Settled,
 * it serves the cap with the highest {@code size / ewma(time)}, and explores again after a number of
 * batches or when the settled cap's batch time drifts (the machine's load changed).
 *
 * <p>Pure and single-threaded: the batcher actor owns it and feeds it measured times.
 */
public final class AdaptiveBatchSizer {
  private final AdaptiveSettings settings;
  private final int[] candidates;
  private final double[] ewmaNanos;
  private final int[] samples;
  private boolean exploring;
  private int index;
  private int attempts;
  /** Full batches still to leave unmeasured at the current candidate (exploring only). */
  private int warmupLeft;
  private long batchesSinceSettled;
  private double settledNanos;
  /** Settled below the largest cap only because the load at the time could not fill a larger one. */
  private boolean limitedByLoad;
  private int backlogStreak;

  public AdaptiveBatchSizer(int maxBatchSize, AdaptiveSettings settings) {
    this.settings = settings;
    this.candidates = candidateCaps(maxBatchSize);
    this.ewmaNanos = new double[candidates.length];
    this.samples = new int[candidates.length];
    explore();
  }

  static int[] candidateCaps(int maxBatchSize) {
    List<Integer> caps = new ArrayList<>();
    for (int c = 1; c <= Math.max(1, maxBatchSize); c *= 2) caps.add(c);
    return caps.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The cap the batcher should fill batches up to now. */
  public int cap() {
    return candidates[index];
  }

  public boolean exploring() {
    return exploring;
  }

  /** Measured items per second at a cap, or 0 when it has not been measured in this round. */
  public double throughput(int cap) {
    int i = Arrays.binarySearch(candidates, cap);
    return i < 0 || samples[i] == 0 ? 0 : cap * 1e9 / ewmaNanos[i];
  }

  /** Records one executed batch of {@code items} that took {@code nanos}. */
  public void record(int items, long nanos) {
    int i = Arrays.binarySearch(candidates, items);
    if (exploring && i == index && warmupLeft > 0) warmupLeft--;
    else if (i >= 0) update(i, nanos);
    if (exploring) advanceExploration();
    else watchSettled(i);
  }

  private void update(int i, long nanos) {
    samples[i]++;
    // Bias-corrected start: a plain mean until 1/alpha samples, so the first sample does not dominate.
    double alpha = Math.max(settings.ewmaAlpha(), 1.0 / samples[i]);
    ewmaNanos[i] = alpha * nanos + (1 - alpha) * ewmaNanos[i];
  }

  private void advanceExploration() {
    attempts++;
    if (samples[index] >= settings.samplesPerCandidate()) {
      if (index + 1 < candidates.length && !pastThePeak()) moveTo(index + 1);
      else settle(false);
    } else if (attempts >= settings.maxAttemptsPerCandidate() + settings.warmupBatches()) {
      settle(true);
    }
  }

  private boolean pastThePeak() {
    double best = 0;
    for (int i = 0; i < index; i++) best = Math.max(best, throughput(candidates[i]));
    return throughput(candidates[index]) < best * (1 - settings.earlyStopDrop());
  }

  private void watchSettled(int recorded) {
    batchesSinceSettled++;
    double ratio = ewmaNanos[index] / settledNanos;
    boolean drifted = recorded == index && (ratio > 1 + settings.driftTolerance() || ratio < 1 / (1 + settings.driftTolerance()));
    if (drifted || batchesSinceSettled >= settings.reexploreEveryBatches()) explore();
  }

  private void explore() {
    exploring = true;
    Arrays.fill(samples, 0);
    Arrays.fill(ewmaNanos, 0);
    moveTo(0);
  }

  private void moveTo(int i) {
    index = i;
    attempts = 0;
    warmupLeft = settings.warmupBatches();
  }

  /**
   * Tells the sizer how many requests wait when a batch is formed. A cap chosen under light load is
   * wrong once the queue keeps holding twice as much: the larger caps, never measured, can now be filled.
   */
  public void observeBacklog(int queued) {
    if (exploring || !limitedByLoad || index + 1 >= candidates.length) return;
    backlogStreak = queued >= 2 * cap() ? backlogStreak + 1 : 0;
    if (backlogStreak >= settings.backlogBatches()) explore();
  }

  private void settle(boolean byLoad) {
    int best = 0;
    double bestThroughput = -1;
    for (int i = 0; i < candidates.length; i++) {
      double t = throughput(candidates[i]);
      if (t > bestThroughput) {
        best = i;
        bestThroughput = t;
      }
    }
    exploring = false;
    limitedByLoad = byLoad;
    backlogStreak = 0;
    index = best;
    attempts = 0;
    batchesSinceSettled = 0;
    settledNanos = ewmaNanos[best];
  }
}

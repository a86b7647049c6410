package io.inferencia.gpu.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Synthetic timing curves shaped like the measured CPU throughputs; no real hardware involved. */
class AdaptiveBatchSizerTest {
  /** items/s by batch size 1..32 as measured for ocr_cls and ocr_rec on the 2-core CPU. */
  private static final Map<Integer, Double> CLS = Map.of(1, 992.0, 2, 1200.0, 4, 1466.0, 8, 1790.0, 16, 2044.0, 32, 2077.0);
  private static final Map<Integer, Double> REC = Map.of(1, 66.0, 2, 80.0, 4, 84.0, 8, 79.0, 16, 62.0, 32, 55.0);
  private static final AdaptiveSettings SETTINGS = new AdaptiveSettings(0.1, 8, 20, 1000, 1.0, 0.2, 16, 0);

  @Test
  void findsLargeBatchesForTheClassifier() {
    AdaptiveBatchSizer sizer = new AdaptiveBatchSizer(64, SETTINGS);
    runFullLoad(sizer, CLS, 200, new Random(1));
    assertFalse(sizer.exploring());
    assertTrue(sizer.cap() >= 32, "cap " + sizer.cap());
  }

  @Test
  void findsSmallBatchesForTheRecognizer() {
    AdaptiveBatchSizer sizer = new AdaptiveBatchSizer(32, SETTINGS);
    runFullLoad(sizer, REC, 200, new Random(2));
    assertFalse(sizer.exploring());
    assertEquals(4, sizer.cap());
  }

  @Test
  void reexploresAndFollowsAChangedCurve() {
    AdaptiveBatchSizer sizer = new AdaptiveBatchSizer(32, new AdaptiveSettings(0.1, 8, 20, 100, 1.0, 0.2, 16, 0));
    runFullLoad(sizer, REC, 200, new Random(3));
    assertEquals(4, sizer.cap());
    // The settled cap's batch time drops 17-fold, so it re-explores at once (48 batches) and settles.
    runFullLoad(sizer, CLS, 80, new Random(4));
    assertFalse(sizer.exploring());
    assertTrue(sizer.cap() >= 16, "cap " + sizer.cap());
  }

  @Test
  void stopsExploringPastThePeak() {
    AdaptiveBatchSizer sizer = new AdaptiveBatchSizer(32, SETTINGS);
    Random random = new Random(6);
    int largest = 0;
    while (sizer.exploring()) {
      largest = Math.max(largest, sizer.cap());
      sizer.record(sizer.cap(), nanos(REC, sizer.cap(), random));
    }
    assertEquals(16, largest);
    assertEquals(4, sizer.cap());
  }

  @Test
  void noisyBatchTimesDoNotTriggerReexploring() {
    AdaptiveBatchSizer sizer = new AdaptiveBatchSizer(32, SETTINGS);
    runFullLoad(sizer, REC, 60, new Random(7));
    assertFalse(sizer.exploring());
    Random random = new Random(8);
    for (int i = 0; i < 100; i++) sizer.record(4, (long) (nanos(REC, 4, random) * (1.5 + random.nextDouble() * 0.3)));
    assertFalse(sizer.exploring());
  }

  @Test
  void lightLoadStopsExploringCapsItCannotFill() {
    AdaptiveBatchSizer sizer = new AdaptiveBatchSizer(64, SETTINGS);
    Random random = new Random(5);
    for (int i = 0; i < 200; i++) {
      int items = Math.min(sizer.cap(), 2);
      sizer.record(items, nanos(CLS, items, random));
    }
    assertFalse(sizer.exploring());
    assertEquals(2, sizer.cap());
  }

  @Test
  void candidatesArePowersOfTwoUpToMax() {
    assertEquals(7, AdaptiveBatchSizer.candidateCaps(64).length);
    assertArrayEquals(new int[] {1, 2, 4, 8}, AdaptiveBatchSizer.candidateCaps(12));
  }

  /** Every batch is full (the queue always holds at least the cap), times carry 5% noise. */
  private static void runFullLoad(AdaptiveBatchSizer sizer, Map<Integer, Double> curve, int batches, Random random) {
    for (int i = 0; i < batches; i++) {
      int items = sizer.cap();
      sizer.record(items, nanos(curve, items, random));
    }
  }

  private static long nanos(Map<Integer, Double> curve, int items, Random random) {
    double itemsPerSecond = curve.getOrDefault(items, curve.get(32));
    return (long) (items / itemsPerSecond * 1e9 * (1 + 0.05 * random.nextGaussian()));
  }

  @Test
  void aCapChosenUnderLightLoadIsReconsideredWhenTheQueueGrows() {
    AdaptiveBatchSizer sizer = new AdaptiveBatchSizer(32, SETTINGS);
    // Light load: caps 1, 2 and 4 fill (1 ms per item), cap 8 never gets more than 4 requests.
    for (int cap : new int[] {1, 2, 4}) {
      assertEquals(cap, sizer.cap());
      for (int i = 0; i < 8; i++) sizer.record(cap, cap * 1_000_000L);
    }
    assertEquals(8, sizer.cap());
    for (int i = 0; i < 20; i++) sizer.record(4, 4_000_000L);
    assertFalse(sizer.exploring());
    int settled = sizer.cap();
    assertTrue(settled <= 4, "settled on a cap the load could fill: " + settled);

    // A short burst is not enough; a sustained backlog of twice the cap is.
    for (int i = 0; i < 15; i++) sizer.observeBacklog(2 * settled);
    sizer.observeBacklog(0);
    assertFalse(sizer.exploring(), "streak broken by an empty queue");
    for (int i = 0; i < 16; i++) sizer.observeBacklog(2 * settled);
    assertTrue(sizer.exploring(), "sustained backlog re-explores the larger caps");
  }

  @Test
  void aCapPastThePeakIsNotReconsideredForBacklog() {
    AdaptiveBatchSizer sizer = new AdaptiveBatchSizer(32, SETTINGS);
    // Throughput peaks at 4 and drops sharply at 8: settled past the peak, not for lack of load.
    long[] nanosPerBatch = {1_000_000L, 1_500_000L, 2_000_000L, 8_000_000L};
    for (int k = 0; k < nanosPerBatch.length; k++) for (int i = 0; i < 8; i++) sizer.record(1 << k, nanosPerBatch[k]);
    assertFalse(sizer.exploring());
    assertEquals(4, sizer.cap());
    for (int i = 0; i < 100; i++) sizer.observeBacklog(64);
    assertFalse(sizer.exploring(), "a deep queue does not make a slower cap faster");
  }

  @Test
  void slowFirstRunsAtEachShapeDoNotHideTheBestCap() {
    // Batch 1 serves best, but the first two runs at every new shape take 40 ms longer: a fixed cost
    // that weighs most on the smallest, fastest batches.
    Map<Integer, Double> curve = Map.of(1, 95.0, 2, 75.0, 4, 68.0, 8, 66.0, 16, 60.0, 32, 43.0);
    AdaptiveBatchSizer counted = new AdaptiveBatchSizer(32, SETTINGS);
    AdaptiveBatchSizer warmed = new AdaptiveBatchSizer(32, new AdaptiveSettings(0.1, 8, 20, 1000, 1.0, 0.2, 16, 4));
    for (AdaptiveBatchSizer sizer : new AdaptiveBatchSizer[] {counted, warmed}) {
      Random random = new Random(7);
      int atCap = 0;
      int lastCap = -1;
      while (sizer.exploring()) {
        int cap = sizer.cap();
        atCap = cap == lastCap ? atCap + 1 : 0;
        lastCap = cap;
        long nanos = nanos(curve, cap, random);
        sizer.record(cap, atCap < 2 ? nanos + 40_000_000L : nanos);
      }
    }
    assertTrue(counted.cap() > 1, "counting the cold runs picks a larger cap: " + counted.cap());
    assertEquals(1, warmed.cap());
  }
}

package io.inferencia.gpu.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.runtime.PhaseTimes;
import io.inferencia.protocols.inference.ModelStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class VersionStatisticsTest {

  @Test
  void requestsCountItemsAndExecutionsCountBatches() {
    VersionStatistics s = new VersionStatistics("ocr_cls", "1");
    PhaseTimes batch = new PhaseTimes(100, 1_000, 50);
    // One batch of three requests: two of one item and one of two.
    s.succeeded(1, 2_000, 400, batch);
    s.succeeded(1, 2_100, 500, batch);
    s.succeeded(2, 2_200, 600, batch);
    s.executed(4, batch);
    s.failed(70);

    ModelStatistics m = s.snapshot();
    assertEquals(4, m.inferenceCount());
    assertEquals(1, m.executionCount());
    assertEquals(new ModelStatistics.Duration(3, 6_300), m.inferenceStats().success());
    assertEquals(new ModelStatistics.Duration(3, 1_500), m.inferenceStats().queue());
    assertEquals(new ModelStatistics.Duration(3, 3_000), m.inferenceStats().computeInfer(), "each request carries its batch's run");
    assertEquals(new ModelStatistics.Duration(1, 70), m.inferenceStats().fail());
    assertEquals(List.of(new ModelStatistics.BatchStats(4, new ModelStatistics.Duration(1, 100),
        new ModelStatistics.Duration(1, 1_000), new ModelStatistics.Duration(1, 50))), m.batchStats());
    assertTrue(m.lastInferenceMillis() > 0);
  }

  @Test
  void batchSizesAreReportedInAscendingOrder() {
    VersionStatistics s = new VersionStatistics("m", "1");
    for (int b : new int[] {8, 1, 4, 1}) s.executed(b, new PhaseTimes(1, 2, 3));
    assertEquals(List.of(1L, 4L, 8L), s.snapshot().batchStats().stream().map(ModelStatistics.BatchStats::batchSize).toList());
    assertEquals(2, s.snapshot().batchStats().get(0).computeInfer().count());
  }

  @Test
  void pipelineRequestsAreOneExecutionEach() {
    VersionStatistics s = new VersionStatistics("ocr", "1");
    s.pipelineSucceeded(1, 5_000);
    ModelStatistics m = s.snapshot();
    assertEquals(1, m.executionCount());
    assertEquals(new ModelStatistics.Duration(1, 5_000), m.inferenceStats().computeInfer());
    assertEquals(new ModelStatistics.Duration(1, 0), m.inferenceStats().queue());
  }

  @Test
  void concurrentWritersLoseNothing() throws Exception {
    VersionStatistics s = new VersionStatistics("m", "1");
    int threads = 4;
    int each = 10_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          s.succeeded(1, 10, 1, new PhaseTimes(1, 1, 1));
          s.executed(1 + i % 3, new PhaseTimes(1, 1, 1));
        }
      });
      w.start();
      workers.add(w);
    }
    go.countDown();
    for (Thread w : workers) w.join();
    ModelStatistics m = s.snapshot();
    assertEquals(threads * each, m.inferenceCount());
    assertEquals(threads * each, m.executionCount());
    assertEquals(threads * each, m.batchStats().stream().mapToLong(b -> b.computeInfer().count()).sum());
    assertEquals(threads * each * 10L, m.inferenceStats().success().nanos());
  }
}

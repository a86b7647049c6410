package io.inferencia.gpu.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.repository.BatchingMode;
import io.inferencia.protocols.inference.InferRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchFormerTest {
  private static final long MS = 1_000_000L;
  private final BatchPolicy policy = new BatchPolicy(BatchingMode.FIXED, 8, 4, 10 * MS, 5, 0);

  @Test
  void waitsForTargetOrQueueDelay() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    former.offer(pending(1, "a", 1, 0));
    assertTrue(former.next(1 * MS, 4, 4, false).isEmpty());
    assertEquals(10 * MS, former.nextWakeup(true).getAsLong());
    assertTrue(former.nextWakeup(false).isEmpty(), "all instances busy: only deadlines wake the batcher");
    assertEquals(1, former.next(10 * MS, 4, 4, false).orElseThrow().size());
  }

  @Test
  void fullTargetDispatchesAtOnceAndCapsTheBatch() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    for (int i = 0; i < 5; i++) former.offer(pending(i, "a", 1, 0));
    List<Pending<Integer>> batch = former.next(0, 4, 4, false).orElseThrow();
    assertEquals(List.of(0, 1, 2, 3), batch.stream().map(Pending::replyTo).toList());
    assertEquals(1, former.size());
  }

  @Test
  void onlyIdenticalShapesBatchTogether() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    former.offer(pending(1, "w80", 1, 0));
    former.offer(pending(2, "w160", 1, 1));
    former.offer(pending(3, "w80", 1, 2));
    List<Pending<Integer>> first = former.next(0, 4, 4, true).orElseThrow();
    assertEquals(List.of(1, 3), first.stream().map(Pending::replyTo).toList());
    assertEquals(List.of(2), former.next(0, 4, 4, true).orElseThrow().stream().map(Pending::replyTo).toList());
  }

  @Test
  void requestBatchSizesCountTowardsTheCap() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    former.offer(pending(1, "a", 3, 0));
    former.offer(pending(2, "a", 3, 0));
    assertEquals(1, former.next(0, 4, 4, true).orElseThrow().size());
    former.offer(pending(3, "a", 8, 0));
    assertEquals(1, former.next(0, 4, 4, true).orElseThrow().size());
  }

  @Test
  void rejectsWhenQueueIsFull() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    for (int i = 0; i < 5; i++) assertTrue(former.offer(pending(i, "a", 1, 0)));
    assertFalse(former.offer(pending(6, "a", 1, 0)));
  }

  @Test
  void expiresLateRequestsBeforeTheyRun() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    former.offer(new Pending<>(1, request(), 1, "a", 0, 5 * MS));
    former.offer(new Pending<>(2, request(), 1, "a", 0, Long.MAX_VALUE));
    assertEquals(5 * MS, former.nextWakeup(false).getAsLong());
    assertEquals(List.of(1), former.expire(6 * MS).stream().map(Pending::replyTo).toList());
    assertEquals(List.of(2), former.next(20 * MS, 4, 4, false).orElseThrow().stream().map(Pending::replyTo).toList());
  }

  @Test
  void deadlineUsesRequestOverrideElseDefault() {
    BatchPolicy withDefault = new BatchPolicy(BatchingMode.FIXED, 8, 4, 0, 0, 30 * MS);
    assertEquals(130 * MS, withDefault.deadline(100 * MS, 0));
    assertEquals(102 * MS, withDefault.deadline(100 * MS, 2000));
    assertEquals(Long.MAX_VALUE, policy.deadline(100 * MS, 0));
  }

  private static Pending<Integer> pending(int id, String bucket, int batch, long at) {
    return new Pending<>(id, request(), batch, bucket, at, Long.MAX_VALUE);
  }

  private static InferRequest request() {
    return InferRequest.of("m", List.of());
  }
}

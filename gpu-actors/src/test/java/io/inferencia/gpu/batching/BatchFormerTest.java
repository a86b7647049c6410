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
  private static final int[] FOUR = {4};
  private final BatchPolicy policy = policy(new int[] {4}, 5, 0, false, false);

  @Test
  void waitsForTargetOrQueueDelay() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    former.offer(pending(1, "a", 1, 0));
    assertTrue(former.next(1 * MS, FOUR, 4, false).isEmpty());
    assertEquals(10 * MS, former.nextWakeup(true).getAsLong());
    assertTrue(former.nextWakeup(false).isEmpty(), "all instances busy: only deadlines wake the batcher");
    assertEquals(1, former.next(10 * MS, FOUR, 4, false).orElseThrow().size());
  }

  @Test
  void fullTargetDispatchesAtOnceAndCapsTheBatch() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    for (int i = 0; i < 5; i++) former.offer(pending(i, "a", 1, 0));
    List<Pending<Integer>> batch = former.next(0, FOUR, 4, false).orElseThrow();
    assertEquals(List.of(0, 1, 2, 3), batch.stream().map(Pending::replyTo).toList());
    assertEquals(1, former.size());
  }

  @Test
  void onlyIdenticalShapesBatchTogether() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    former.offer(pending(1, "w80", 1, 0));
    former.offer(pending(2, "w160", 1, 1));
    former.offer(pending(3, "w80", 1, 2));
    List<Pending<Integer>> first = former.next(0, FOUR, 4, true).orElseThrow();
    assertEquals(List.of(1, 3), first.stream().map(Pending::replyTo).toList());
    assertEquals(List.of(2), former.next(0, FOUR, 4, true).orElseThrow().stream().map(Pending::replyTo).toList());
  }

  @Test
  void requestBatchSizesCountTowardsTheCap() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    former.offer(pending(1, "a", 3, 0));
    former.offer(pending(2, "a", 3, 0));
    assertEquals(1, former.next(0, FOUR, 4, true).orElseThrow().size());
    former.offer(pending(3, "a", 8, 0));
    assertEquals(1, former.next(0, FOUR, 4, true).orElseThrow().size());
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
    assertEquals(List.of(2), former.next(20 * MS, FOUR, 4, false).orElseThrow().stream().map(Pending::replyTo).toList());
  }

  @Test
  void anyPreferredSizeDispatchesAtOnceTheLargestReached() {
    BatchFormer<Integer> former = new BatchFormer<>(policy(new int[] {2, 4}, 0, 0, false, false));
    int[] preferred = {2, 4};
    former.offer(pending(1, "a", 1, 0));
    assertTrue(former.next(0, preferred, 4, false).isEmpty(), "1 item is no preferred size: wait for the delay");
    for (int i = 2; i <= 3; i++) former.offer(pending(i, "a", 1, 0));
    assertEquals(List.of(1, 2), former.next(0, preferred, 4, false).orElseThrow().stream().map(Pending::replyTo).toList());
    assertTrue(former.next(0, preferred, 4, false).isEmpty(), "the third waits on");
    for (int i = 4; i <= 8; i++) former.offer(pending(i, "a", 1, 0));
    assertEquals(List.of(3, 4, 5, 6), former.next(0, preferred, 4, false).orElseThrow().stream().map(Pending::replyTo).toList());
  }

  @Test
  void aBatchThatCannotGrowUnderTheCapIsReady() {
    BatchFormer<Integer> former = new BatchFormer<>(policy);
    former.offer(pending(1, "a", 3, 0));
    assertTrue(former.next(0, FOUR, 4, false).isEmpty());
    former.offer(pending(2, "a", 3, 0));
    assertEquals(List.of(1), former.next(0, FOUR, 4, false).orElseThrow().stream().map(Pending::replyTo).toList(),
        "3 + 3 exceeds the cap of 4: the first goes now");
  }

  @Test
  void delayKeepsLateRequestsBehindTimelyOnes() {
    BatchFormer<Integer> former = new BatchFormer<>(policy(new int[] {4}, 0, 0, false, true));
    former.offer(new Pending<>(1, request(), 1, "a", 0, 5 * MS));
    assertTrue(former.expire(6 * MS).isEmpty(), "DELAY rejects nothing");
    assertEquals(1, former.size());
    for (int i = 2; i <= 5; i++) former.offer(new Pending<>(i, request(), 1, "a", 6 * MS, Long.MAX_VALUE));
    assertEquals(List.of(2, 3, 4, 5), former.next(6 * MS, FOUR, 4, false).orElseThrow().stream().map(Pending::replyTo).toList(),
        "the timely batch goes first");
    former.offer(new Pending<>(6, request(), 1, "a", 7 * MS, Long.MAX_VALUE));
    assertEquals(List.of(1), former.next(7 * MS, FOUR, 4, false).orElseThrow().stream().map(Pending::replyTo).toList(),
        "with no timely bucket ready the late request runs");
    assertEquals(1, former.size());
    assertEquals(List.of(6), former.drainAll().stream().map(Pending::replyTo).toList());
  }

  @Test
  void requestTimeoutOnlyShortensTheDefaultAndOnlyWhenAllowed() {
    BatchPolicy fixedOnly = policy(FOUR, 0, 30 * MS, false, false);
    assertEquals(130 * MS, fixedOnly.deadline(100 * MS, 0));
    assertEquals(130 * MS, fixedOnly.deadline(100 * MS, 2000), "no allow_timeout_override: the request's timeout is ignored");
    BatchPolicy overridable = policy(FOUR, 0, 30 * MS, true, false);
    assertEquals(102 * MS, overridable.deadline(100 * MS, 2000));
    assertEquals(130 * MS, overridable.deadline(100 * MS, 60_000), "an override never lengthens the default");
    BatchPolicy noDefault = policy(FOUR, 0, 0, true, false);
    assertEquals(102 * MS, noDefault.deadline(100 * MS, 2000));
    assertEquals(Long.MAX_VALUE, noDefault.deadline(100 * MS, 0));
  }

  @Test
  void policyComesFromTheConfig() throws Exception {
    var config = io.inferencia.gpu.repository.ModelConfigParser.parse("""
        max_batch_size: 16
        input [ { name: "x" data_type: TYPE_FP32 dims: [ 4 ] } ]
        output [ { name: "y" data_type: TYPE_FP32 dims: [ 4 ] } ]
        dynamic_batching {
          preferred_batch_size: [ 8, 2 ] max_queue_delay_microseconds: 500
          default_queue_policy { max_queue_size: 9 default_timeout_microseconds: 70 timeout_action: DELAY allow_timeout_override: true }
        }
        """, "m");
    BatchPolicy p = BatchPolicy.of(config);
    assertEquals(BatchingMode.FIXED, p.mode());
    assertEquals(16, p.maxBatchSize());
    assertEquals(List.of(2, 8), java.util.Arrays.stream(p.preferredSizes()).boxed().toList());
    assertEquals(8, p.preferredBatchSize());
    assertEquals(500_000, p.maxQueueDelayNanos());
    assertEquals(9, p.maxQueueSize());
    assertEquals(70_000, p.defaultTimeoutNanos());
    assertTrue(p.allowTimeoutOverride());
    assertTrue(p.delayWhenLate());
  }

  private static Pending<Integer> pending(int id, String bucket, int batch, long at) {
    return new Pending<>(id, request(), batch, bucket, at, Long.MAX_VALUE);
  }

  private static BatchPolicy policy(int[] preferred, int maxQueue, long timeoutNanos, boolean override, boolean delay) {
    return new BatchPolicy(BatchingMode.FIXED, 8, preferred, 10 * MS, maxQueue, timeoutNanos, override, delay);
  }

  private static InferRequest request() {
    return InferRequest.of("m", List.of());
  }
}

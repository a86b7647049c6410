package io.inferencia.gpu.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
  void reportsEveryChangeOfTheQueue() {
    int[] pending = {0};
    BatchFormer<Integer> former = new BatchFormer<>(policy, delta -> pending[0] += delta);
    for (int i = 0; i < 5; i++) former.offer(pending(i, "a", 1, 0));
    assertEquals(5, pending[0]);
    former.next(0, FOUR, 4, false).orElseThrow();
    assertEquals(1, pending[0]);
    former.offer(pending(5, "b", 1, 0));
    former.drainAll();
    assertEquals(0, pending[0]);
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
    former.offer(new Pending<>(1, request(), 1, "a", 0, 5 * MS, 0, Long.MAX_VALUE));
    former.offer(new Pending<>(2, request(), 1, "a", 0, Long.MAX_VALUE, 0, Long.MAX_VALUE));
    assertEquals(5 * MS, former.nextWakeup(false).getAsLong());
    assertEquals(List.of(1), former.expire(6 * MS).stream().map(Pending::replyTo).toList());
    assertEquals(List.of(2), former.next(20 * MS, FOUR, 4, false).orElseThrow().stream().map(Pending::replyTo).toList());
  }

  @Test
  void aRequestWhoseClientStoppedWaitingIsDroppedEvenUnderDelay() {
    BatchFormer<Integer> former = new BatchFormer<>(policy(new int[] {4}, 0, 0, false, true));
    former.offer(new Pending<>(1, request(), 1, "a", 0, Long.MAX_VALUE, 0, 3 * MS));
    former.offer(new Pending<>(2, request(), 1, "a", 0, 2 * MS, 0, 9 * MS));
    assertEquals(2 * MS, former.nextWakeup(false).getAsLong());
    assertTrue(former.expire(2 * MS).isEmpty(), "2 is late but kept (DELAY)");
    assertEquals(3 * MS, former.nextWakeup(false).getAsLong(), "the client deadline wakes the batcher too");
    assertEquals(List.of(1), former.expire(3 * MS).stream().map(Pending::replyTo).toList());
    assertEquals(List.of(2), former.expire(9 * MS).stream().map(Pending::replyTo).toList(),
        "a kept late request is dropped once its client stops waiting");
    assertEquals(0, former.size());
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
    former.offer(new Pending<>(1, request(), 1, "a", 0, 5 * MS, 0, Long.MAX_VALUE));
    assertTrue(former.expire(6 * MS).isEmpty(), "DELAY rejects nothing");
    assertEquals(1, former.size());
    for (int i = 2; i <= 5; i++) former.offer(new Pending<>(i, request(), 1, "a", 6 * MS, Long.MAX_VALUE, 0, Long.MAX_VALUE));
    assertEquals(List.of(2, 3, 4, 5), former.next(6 * MS, FOUR, 4, false).orElseThrow().stream().map(Pending::replyTo).toList(),
        "the timely batch goes first");
    former.offer(new Pending<>(6, request(), 1, "a", 7 * MS, Long.MAX_VALUE, 0, Long.MAX_VALUE));
    assertEquals(List.of(1), former.next(7 * MS, FOUR, 4, false).orElseThrow().stream().map(Pending::replyTo).toList(),
        "with no timely bucket ready the late request runs");
    assertEquals(1, former.size());
    assertEquals(List.of(6), former.drainAll().stream().map(Pending::replyTo).toList());
  }

  @Test
  void requestTimeoutOnlyShortensTheDefaultAndOnlyWhenAllowed() {
    QueueRules fixedOnly = new QueueRules(0, 30 * MS, false, false);
    assertEquals(130 * MS, fixedOnly.deadline(100 * MS, 0));
    assertEquals(130 * MS, fixedOnly.deadline(100 * MS, 2000), "no allow_timeout_override: the request's timeout is ignored");
    QueueRules overridable = new QueueRules(0, 30 * MS, true, false);
    assertEquals(102 * MS, overridable.deadline(100 * MS, 2000));
    assertEquals(130 * MS, overridable.deadline(100 * MS, 60_000), "an override never lengthens the default");
    QueueRules noDefault = new QueueRules(0, 0, true, false);
    assertEquals(102 * MS, noDefault.deadline(100 * MS, 2000));
    assertEquals(Long.MAX_VALUE, noDefault.deadline(100 * MS, 0));
  }

  @Test
  void policyComesFromTheConfig() throws Exception {
    BatchPolicy p = policyOf("""
          preferred_batch_size: [ 8, 2 ] max_queue_delay_microseconds: 500
          default_queue_policy { max_queue_size: 9 default_timeout_microseconds: 70 timeout_action: DELAY allow_timeout_override: true }
        """);
    assertEquals(BatchingMode.FIXED, p.mode());
    assertEquals(16, p.maxBatchSize());
    assertEquals(List.of(2, 8), java.util.Arrays.stream(p.preferredSizes()).boxed().toList());
    assertEquals(8, p.preferredBatchSize());
    assertEquals(500_000, p.maxQueueDelayNanos());
    assertEquals(new QueueRules(9, 70_000, true, true), p.defaultQueue());
    assertEquals(0, p.level(java.util.Map.of("priority", "1")), "no priority levels: one queue");
  }

  @Test
  void priorityLevelsComeFromTheConfigAndTheRequest() throws Exception {
    BatchPolicy p = policyOf("""
          priority_levels: 3 default_priority_level: 2
          default_queue_policy { max_queue_size: 9 }
          priority_queue_policy { key: 1 value: { max_queue_size: 2 default_timeout_microseconds: 5 } }
        """);
    assertEquals(2, p.level(java.util.Map.of()));
    assertEquals(1, p.level(java.util.Map.of("priority", "1")));
    assertEquals(3, p.level(java.util.Map.of("priority", "3")));
    assertEquals(2, p.level(java.util.Map.of("priority", "0")), "0 means the default level, as in Triton");
    assertEquals(2, p.level(java.util.Map.of("priority", "4")), "past the last level: the default level, as in Triton");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.level(java.util.Map.of("priority", "high")));
    assertTrue(e.getMessage().contains("must be an unsigned integer"), e.getMessage());
    assertEquals(new QueueRules(2, 5_000, false, false), p.rules(1));
    assertEquals(new QueueRules(9, 0, false, false), p.rules(3));
  }

  @Test
  void higherPriorityRequestsBatchFirstAndFillUpWithLowerOnes() {
    BatchFormer<Integer> former = new BatchFormer<>(twoLevels());
    former.offer(atLevel(1, "a", 2, 0));
    former.offer(atLevel(2, "a", 2, 1));
    former.offer(atLevel(3, "a", 1, 2));
    former.offer(atLevel(4, "a", 2, 3));
    former.offer(atLevel(5, "a", 1, 4));
    assertEquals(List.of(3, 5, 1, 2), former.next(5, FOUR, 4, false).orElseThrow().stream().map(Pending::replyTo).toList());
    former.offer(atLevel(6, "b", 1, 5));
    assertEquals(List.of(6), former.next(6, FOUR, 4, true).orElseThrow().stream().map(Pending::replyTo).toList(),
        "the bucket whose first request has the higher priority goes first, though the other is older");
    assertEquals(List.of(4), former.next(6, FOUR, 4, true).orElseThrow().stream().map(Pending::replyTo).toList());
  }

  @Test
  void eachLevelHasItsOwnQueueSize() {
    BatchFormer<Integer> former = new BatchFormer<>(twoLevels());
    assertTrue(former.offer(atLevel(1, "a", 1, 0)));
    assertTrue(former.offer(atLevel(2, "a", 1, 0)));
    assertFalse(former.offer(atLevel(3, "a", 1, 0)), "level 1 holds two");
    for (int i = 4; i < 20; i++) assertTrue(former.offer(atLevel(i, "a", 2, 0)), "level 2 is unbounded");
    former.next(0, FOUR, 4, true);
    assertTrue(former.offer(atLevel(30, "a", 1, 0)), "a level 1 request left, so one more fits");
  }

  private static Pending<Integer> pending(int id, String bucket, int batch, long at) {
    return new Pending<>(id, request(), batch, bucket, at, Long.MAX_VALUE, 0, Long.MAX_VALUE);
  }

  /** The policy of a 16-batch model whose dynamic_batching section is {@code batching}. */
  private static BatchPolicy policyOf(String batching) throws Exception {
    return BatchPolicy.of(io.inferencia.gpu.repository.ModelConfigParser.parse("""
        max_batch_size: 16
        input [ { name: "x" data_type: TYPE_FP32 dims: [ 4 ] } ]
        output [ { name: "y" data_type: TYPE_FP32 dims: [ 4 ] } ]
        dynamic_batching {
        """ + batching + "}", "m"));
  }

  private static BatchPolicy policy(int[] preferred, int maxQueue, long timeoutNanos, boolean override, boolean delay) {
    return BatchPolicy.singleQueue(BatchingMode.FIXED, 8, preferred, 10 * MS, new QueueRules(maxQueue, timeoutNanos, override, delay));
  }

  /** Two levels, default 2; level 1 holds at most two requests. */
  private static BatchPolicy twoLevels() {
    return new BatchPolicy(BatchingMode.FIXED, 8, new int[] {4}, 10 * MS, 2, 2, new QueueRules(0, 0, false, false),
        java.util.Map.of(1, new QueueRules(2, 0, false, false)));
  }

  private static Pending<Integer> atLevel(int id, String bucket, int level, long at) {
    return new Pending<>(id, request(), 1, bucket, at, Long.MAX_VALUE, level, Long.MAX_VALUE);
  }

  private static InferRequest request() {
    return InferRequest.of("m", List.of());
  }
}

package io.inferencia.gpu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionLaneTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void tasksRunOneAtATimeInSubmissionOrder() throws Exception {
    SessionLane lane = new SessionLane(pool);
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(200);
    for (int i = 0; i < 200; i++) {
      int n = i;
      lane.execute(() -> {
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        order.add(n);
        running.decrementAndGet();
        done.countDown();
      });
    }
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertEquals(1, maxRunning.get(), "never two tasks of one lane at once");
    for (int i = 0; i < 200; i++) assertEquals(i, order.get(i));
  }

  @Test
  void aTaskQueuedBehindARunningOneContinuesOnTheSameThread() throws Exception {
    SessionLane lane = new SessionLane(pool);
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(2);
    lane.execute(() -> {
      threads.add(Thread.currentThread());
      firstStarted.countDown();
      await(release);
      done.countDown();
    });
    assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
    lane.execute(() -> {
      threads.add(Thread.currentThread());
      done.countDown();
    });
    release.countDown();
    assertTrue(done.await(5, TimeUnit.SECONDS));
    assertEquals(threads.get(0), threads.get(1));
  }

  @Test
  void aThrowingTaskDoesNotStrandTheOnesBehindIt() throws Exception {
    SessionLane lane = new SessionLane(pool);
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch after = new CountDownLatch(1);
    lane.execute(() -> await(blocked));
    lane.execute(() -> {
      throw new IllegalStateException("boom");
    });
    lane.execute(after::countDown);
    blocked.countDown();
    assertTrue(after.await(5, TimeUnit.SECONDS), "the task behind the failing one still ran");
    CountDownLatch later = new CountDownLatch(1);
    lane.execute(later::countDown);
    assertTrue(later.await(5, TimeUnit.SECONDS), "the lane takes new work afterwards");
  }

  @Test
  void separateLanesRunInParallel() throws Exception {
    SessionLane a = new SessionLane(pool);
    SessionLane b = new SessionLane(pool);
    CountDownLatch both = new CountDownLatch(2);
    CountDownLatch finished = new CountDownLatch(2);
    Runnable meet = () -> {
      both.countDown();
      await(both);
      finished.countDown();
    };
    a.execute(meet);
    b.execute(meet);
    assertTrue(finished.await(5, TimeUnit.SECONDS), "each lane ran on its own thread at the same time");
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

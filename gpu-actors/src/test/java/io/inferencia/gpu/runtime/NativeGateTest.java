package io.inferencia.gpu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NativeGateTest {
  private final ExecutorService blocking = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    blocking.shutdownNow();
  }

  @Test
  void shutDownWaitsForTheCallInsideThenClosesWhatIsStillOpen() throws Exception {
    NativeGate gate = new NativeGate();
    AtomicInteger closes = new AtomicInteger();
    gate.opened(closes::incrementAndGet);
    assertTrue(gate.tryEnter());

    CompletableFuture<Void> shut = gate.shutDown(blocking).toCompletableFuture();
    Thread.sleep(200);
    assertFalse(shut.isDone(), "a call is still inside");
    assertFalse(gate.tryEnter(), "no call starts once the gate is shut");
    assertEquals(0, closes.get(), "a session is not closed under a running call");

    gate.leave();
    shut.get(5, TimeUnit.SECONDS);
    assertEquals(1, closes.get());
  }

  @Test
  void aSessionItsOwnerClosedIsNotClosedAgain() throws Exception {
    NativeGate gate = new NativeGate();
    AtomicInteger closes = new AtomicInteger();
    AutoCloseable session = closes::incrementAndGet;
    gate.opened(session);
    gate.closed(session);
    gate.shutDown(blocking).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(0, closes.get());
    assertTrue(gate.isShut());
  }
}

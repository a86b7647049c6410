package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StartupRetryTest {
  /** Loads Pekko's scheduler classes once, so the short deadlines below measure retries, not class loading. */
  @BeforeAll
  static void warmUp() {
    StartupRetry.run("warm-up", System.nanoTime(), () -> "up");
  }

  @Test
  void triesAgainUntilTheStepSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    String result = StartupRetry.run("flaky", System.nanoTime() + TimeUnit.SECONDS.toNanos(10), () -> {
      if (calls.incrementAndGet() < 3) throw new IllegalStateException("not yet");
      return "up";
    });
    assertEquals("up", result);
    assertEquals(3, calls.get(), "two failures, then 250 ms and 500 ms later the third try");
  }

  @Test
  void givesUpAtTheDeadlineNamingTheStep() {
    AtomicInteger calls = new AtomicInteger();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> StartupRetry.run("database jdbc:x", System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600), () -> {
          calls.incrementAndGet();
          throw new IllegalStateException("connection refused");
        }));
    assertEquals("database jdbc:x: connection refused", e.getMessage());
    assertTrue(calls.get() >= 2, "tried again before the deadline: " + calls.get());
  }
}

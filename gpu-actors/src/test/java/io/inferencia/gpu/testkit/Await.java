package io.inferencia.gpu.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceGateway;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Blocking helpers for tests against the gateway. */
public final class Await {
  private Await() {}

  public static <T> T result(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("stage failed: " + e, e);
    }
  }

  /** Asserts the stage fails with an InferenceException of {@code kind} whose message has {@code text}. */
  public static InferenceException failure(CompletionStage<?> stage, ErrorKind kind, String text) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(60, TimeUnit.SECONDS));
    InferenceException ie = assertInstanceOf(InferenceException.class, e.getCause());
    assertEquals(kind, ie.kind(), ie.getMessage());
    assertTrue(ie.getMessage().contains(text), ie.getMessage());
    return ie;
  }

  /**
   * Waits until the repository is scanned and no model is LOADING any more, whether or not all loaded
   * (with a broken model in the repository, strict readiness never reports the server ready).
   */
  public static void settled(InferenceGateway gateway) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      var index = result(gateway.index(false));
      if (!index.isEmpty() && index.stream().noneMatch(e -> e.state() == io.inferencia.protocols.inference.ModelState.LOADING))
        return;
      if (System.nanoTime() > deadline) throw new AssertionError("models still loading after 120 s: " + index);
      Thread.sleep(50);
    }
  }

  /** Waits until the server reports ready: every model loaded (strict readiness). */
  public static void serverReady(InferenceGateway gateway) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!result(gateway.serverReady())) {
      if (System.nanoTime() > deadline) throw new AssertionError("server not ready after 120 s");
      Thread.sleep(50);
    }
  }
}

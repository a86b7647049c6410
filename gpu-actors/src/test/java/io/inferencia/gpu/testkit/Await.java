package io.inferencia.gpu.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.inference.ModelState;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;

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
  public static void settled(InferenceGateway gateway) {
    loading().untilAsserted(() -> {
      var index = result(gateway.index(false));
      assertTrue(!index.isEmpty() && index.stream().noneMatch(e -> e.state() == ModelState.LOADING),
          "models still loading: " + index);
    });
  }

  /** Waits until the server reports ready: every model loaded (strict readiness). */
  public static void serverReady(InferenceGateway gateway) {
    loading().untilAsserted(() -> assertTrue(result(gateway.serverReady()), "server not ready"));
  }

  /** Waits until {@code condition} holds (checked every 50 ms for up to 120 s). */
  public static void until(java.util.concurrent.Callable<Boolean> condition, String what) {
    loading().alias(what).until(condition);
  }

  /** Loading models takes a while: checked every 50 ms for up to 120 s. */
  private static ConditionFactory loading() {
    return await().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50));
  }
}

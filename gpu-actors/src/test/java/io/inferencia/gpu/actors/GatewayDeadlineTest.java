package io.inferencia.gpu.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A caller's deadline passed through {@code within} is the ask's own timeout, not a second timer. */
class GatewayDeadlineTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void withinBoundsTheAskByTheCallersDeadline() {
    // A manager that receives the ask and never answers; the gateway's own timeout is far away.
    TestProbe<ModelRepositoryManager.Command> manager = testKit.createTestProbe();
    var gateway = new ActorInferenceGateway(manager.ref(), testKit.system().scheduler(), Duration.ofMinutes(10))
        .within(Duration.ofMillis(200));
    var answer = gateway.infer(InferRequest.of("silent", List.of(Tensor.ofFloats("x", new long[] {1}, new float[] {1f}))))
        .toCompletableFuture();
    manager.expectMessageClass(ModelRepositoryManager.Infer.class);
    ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
    InferenceException failure = assertInstanceOf(InferenceException.class, e.getCause());
    assertEquals(ErrorKind.DEADLINE_EXCEEDED, failure.kind());
    assertEquals(ActorInferenceGateway.TIMEOUT_MESSAGE, failure.getMessage());
    assertTrue(answer.isCompletedExceptionally());
  }
}

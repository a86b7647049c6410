package io.inferencia.gpu.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.actors.InferResult;
import io.inferencia.gpu.actors.ModelRepositoryManager;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The edge's circuit breaker per remote gpu node, through the real {@link ClusterGateway} and Pekko
 * {@code CircuitBreaker}, with gpu nodes played by actors that answer as a failing or a healthy
 * repository manager would.
 */
class RemoteBreakerTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final RemoteBreakerSettings SETTINGS =
      new RemoteBreakerSettings(3, Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofMillis(1500));
  private static final InferRequest REQUEST = InferRequest.of("m", List.of(Tensor.ofFloats("x", new long[] {1}, new float[] {1})));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A gpu node's manager that answers each call with {@code answer}'s current outcome (null: served), counting calls. */
  private record FakeNode(GpuNode node, AtomicInteger calls, AtomicReference<ErrorKind> answer) {}

  private static FakeNode node(int i, ErrorKind failure) {
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<ErrorKind> answer = new AtomicReference<>(failure);
    ActorRef<ModelRepositoryManager.Command> manager = testKit.spawn(Behaviors.receive(ModelRepositoryManager.Command.class)
        .onMessage(ModelRepositoryManager.Infer.class, m -> {
          calls.incrementAndGet();
          ErrorKind kind = answer.get();
          m.replyTo().tell(kind == null ? new InferResult.Served(new InferResponse("m", "1", "", List.of()))
              : InferResult.failed(kind, "node " + i + " says " + kind));
          return Behaviors.same();
        }).build());
    Address address = new Address("pekko", "inferencia", "10.0.0." + i, 2551);
    return new FakeNode(new GpuNode(address, manager, false, NodeBreaker.create(testKit.system(), SETTINGS, "gpu node " + i)),
        calls, answer);
  }

  private static ClusterGateway gateway(FakeNode... fakes) {
    GpuNodes nodes = new GpuNodes();
    nodes.publish(java.util.Arrays.stream(fakes).map(FakeNode::node).toList());
    return new ClusterGateway(nodes, testKit.scheduler(), Duration.ofSeconds(5));
  }

  private static ErrorKind call(ClusterGateway gateway) {
    try {
      gateway.infer(REQUEST).toCompletableFuture().join();
      return null;
    } catch (CompletionException e) {
      return ((InferenceException) e.getCause()).kind();
    }
  }

  @Test
  void aFailingNodeStopsTakingCallsUntilItAnswersAgain() {
    FakeNode bad = node(1, ErrorKind.INTERNAL);
    FakeNode good = node(2, null);
    ClusterGateway gateway = gateway(bad, good);
    int failed = 0;
    for (int i = 0; i < 60; i++) if (call(gateway) != null) failed++;
    assertEquals(3, bad.calls().get(), "the failing node took calls until its breaker opened");
    assertEquals(3, failed, "only the calls it took failed");
    assertEquals(57, good.calls().get());

    // Healthy again: after the reset timeout a trial call reaches it, closes the breaker, and it shares the load.
    bad.answer().set(null);
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
      assertEquals(null, call(gateway));
      return bad.calls().get() > 3;
    });
    int before = bad.calls().get();
    for (int i = 0; i < 40; i++) assertEquals(null, call(gateway));
    assertTrue(bad.calls().get() - before >= 5, "the node takes calls again: " + (bad.calls().get() - before) + " of 40");
  }

  @Test
  void withEveryNodeFailingCallsFailFastWithoutReachingThem() {
    FakeNode bad = node(3, ErrorKind.INTERNAL);
    ClusterGateway gateway = gateway(bad);
    for (int i = 0; i < 3; i++) assertEquals(ErrorKind.INTERNAL, call(gateway));
    for (int i = 0; i < 10; i++) assertEquals(ErrorKind.UNAVAILABLE, call(gateway));
    assertEquals(3, bad.calls().get(), "an open breaker keeps calls away from the node");
  }

  @Test
  void clientErrorsSayNothingAboutTheNode() {
    FakeNode node = node(4, ErrorKind.INVALID_ARGUMENT);
    ClusterGateway gateway = gateway(node);
    for (int i = 0; i < 20; i++) assertEquals(ErrorKind.INVALID_ARGUMENT, call(gateway));
    assertEquals(20, node.calls().get(), "every call still reaches the node");
  }
}

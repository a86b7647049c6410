package io.inferencia.gpu.actors;

import static io.inferencia.gpu.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigValueFactory;
import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.testkit.Await;
import io.inferencia.gpu.testkit.CrashPipelineFactory;
import io.inferencia.gpu.testkit.EchoPipelineFactory;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An exception inside a handler costs the request that raised it, not the node. */
class SupervisionTest {
  private static final int MAX_RESTARTS = 2;
  @TempDir Path repo;
  private ActorTestKit testKit;
  private InferenceGateway gateway;

  @BeforeEach
  void start() throws Exception {
    TestModels.addModel(repo, "crash", CrashPipelineFactory.CONFIG, null);
    TestModels.addModel(repo, "echo", EchoPipelineFactory.CONFIG, null);
    var config = TestModels.config(repo)
        .withValue("inference.supervision.max-restarts", ConfigValueFactory.fromAnyRef(MAX_RESTARTS));
    testKit = ActorTestKit.create(config);
    gateway = InferenceCore.start(testKit.system(), config,
        List.of(new CrashPipelineFactory(), new EchoPipelineFactory())).gateway();
    Await.serverReady(gateway);
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aHandlerThatThrowsIsRestartedAndTheNextRequestIsServedAtOnce() throws Exception {
    gateway.infer(text("crash", "crash"));
    // The ask timeout is 60 s: an actor that died with the crash would leave this waiting that long.
    var next = gateway.infer(text("crash", "fine")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of("fine"), next.outputs().get(0).asStrings());
    assertTrue(result(gateway.serverReady()), "one crash does not make the server unready");
  }

  /**
   * Past its restarts the pipeline's server stops; its lifecycle then reloads the version (after a
   * backoff) until it too is out of restarts, and the version stays UNAVAILABLE.
   */
  @Test
  void aVersionThatKeepsCrashingTurnsUnavailableAndTheServerNotReady() {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
      gateway.infer(text("crash", "crash"));
      ModelIndexEntry entry = crashEntry();
      assertEquals(ModelState.UNAVAILABLE, entry.state());
      assertTrue(entry.reason().contains("its lifecycle stopped unexpectedly"), entry.reason());
      return null;
    });
    assertFalse(result(gateway.modelReady("crash", "")));
    assertFalse(result(gateway.serverReady()), "strict readiness: a model that stopped serving makes the server not ready");
    assertEquals(List.of("A"), result(gateway.infer(text("echo", "a"))).outputs().get(0).asStrings(), "the others serve on");
    result(gateway.load("crash"));
    assertTrue(result(gateway.serverReady()), "reloaded, it serves again");
  }

  private ModelIndexEntry crashEntry() {
    return result(gateway.index(false)).stream().filter(e -> e.name().equals("crash")).findFirst().orElseThrow();
  }

  private static InferRequest text(String model, String text) {
    return InferRequest.of(model, List.of(Tensor.ofStrings("TEXT", new long[] {1}, List.of(text))));
  }
}

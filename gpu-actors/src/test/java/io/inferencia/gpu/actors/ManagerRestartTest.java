package io.inferencia.gpu.actors;

import static io.inferencia.gpu.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.testkit.Await;
import io.inferencia.gpu.testkit.EchoPipelineFactory;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.ModelStatistics;
import io.inferencia.protocols.inference.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository manager itself throws in a handler: a GetMetadata without a model name (as a node
 * built from other code could send; the books' TreeMap refuses a null key) is a failure no handler
 * expects. The manager restarts under its parent, which watches it, with its books and its versions'
 * lifecycles as they were: ready models answer at once, the index and statistics are unchanged, and a
 * load in flight completes (the lifecycles' events reach the restarted manager). Past its restart
 * limit it stops, and its parent is told.
 */
class ManagerRestartTest {
  private static final int MAX_RESTARTS = 2;
  private static final long[] CLS_SHAPE = {1, 3, 48, 192};
  /** Far below the 60 s ask timeout, which a request to a dead manager would wait out. */
  private static final long PROMPTLY_SECONDS = 10;
  @TempDir Path repo;
  private ActorTestKit testKit;
  private TestProbe<String> parentSaw;
  private InferenceCore core;
  private InferenceGateway gateway;

  @BeforeEach
  void start() throws Exception {
    TestModels.addShipped(repo, "ocr_cls");
    TestModels.addModel(repo, "echo", EchoPipelineFactory.CONFIG, null);
    Config config = TestModels.config(repo)
        .withValue("inference.supervision.max-restarts", ConfigValueFactory.fromAnyRef(MAX_RESTARTS));
    testKit = ActorTestKit.create(config);
    parentSaw = testKit.createTestProbe();
    CompletableFuture<InferenceCore> started = new CompletableFuture<>();
    testKit.spawn(parent(config, started, parentSaw), "node");
    core = started.get(10, TimeUnit.SECONDS);
    gateway = core.gateway();
    Await.serverReady(gateway);
  }

  /** The node's guardian as far as the core goes: starts it as its child and watches the manager. */
  private static Behavior<Object> parent(Config config, CompletableFuture<InferenceCore> started, TestProbe<String> saw) {
    return Behaviors.setup(ctx -> {
      started.complete(InferenceCore.start(ctx, config, List.of(new EchoPipelineFactory())));
      return Behaviors.receive(Object.class)
          .onSignal(Terminated.class, t -> {
            saw.ref().tell("stopped: " + t.getRef().path().name());
            return Behaviors.same();
          })
          .build();
    });
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aManagerThatThrowsRestartsAndServesOnFromItsBooks() throws Exception {
    float[] before = classify(1);
    assertEquals(List.of("A"), echo("a"));
    List<ModelIndexEntry> index = result(gateway.index(false));
    assertTrue(index.stream().allMatch(e -> e.state() == ModelState.READY), index.toString());
    // Answered only once the new version's lifecycle reports to the manager, which by then has restarted.
    CompletionStage<Void> reload = gateway.load("echo");

    crash();

    assertArrayEquals(before, classify(1), "the same version answers, promptly");
    assertEquals(index, result(gateway.index(false)), "the index is the one before the crash");
    assertEquals(2, successes("ocr_cls"), "statistics kept the request before the crash");
    result(reload);
    assertEquals(List.of("B"), echo("b"));
    assertEquals(1, successes("echo"), "the reloaded version's statistics start afresh");
    assertTrue(result(gateway.serverReady()));
  }

  @Test
  void pastItsRestartLimitTheManagerStopsAndItsParentIsTold() throws Exception {
    for (int i = 0; i < MAX_RESTARTS; i++) {
      crash();
      assertEquals(List.of("OK"), echo("ok"), "restart " + (i + 1) + " of " + MAX_RESTARTS);
    }
    core.manager().tell(new ModelRepositoryManager.GetMetadata(null, "", testKit.<ModelRepositoryManager.MetadataReply>createTestProbe().ref()));
    parentSaw.expectMessage(Duration.ofSeconds(10), "stopped: " + InferenceCore.MANAGER_NAME);
  }

  /** Makes the manager throw in its GetMetadata handler, and sees its supervisor restart it. */
  private void crash() {
    TestProbe<ModelRepositoryManager.MetadataReply> unanswered = testKit.createTestProbe();
    LoggingTestKit.error(NullPointerException.class).expect(testKit.system(), () -> {
      core.manager().tell(new ModelRepositoryManager.GetMetadata(null, "", unanswered.ref()));
      return null;
    });
  }

  private float[] classify(int seed) throws Exception {
    InferRequest request = InferRequest.of("ocr_cls", List.of(TestModels.randomFloats("x", CLS_SHAPE, seed)));
    return gateway.infer(request).toCompletableFuture().get(PROMPTLY_SECONDS, TimeUnit.SECONDS).outputs().get(0).asFloats();
  }

  private List<String> echo(String text) throws Exception {
    InferRequest request = InferRequest.of("echo", List.of(Tensor.ofStrings("TEXT", new long[] {1}, List.of(text))));
    return gateway.infer(request).toCompletableFuture().get(PROMPTLY_SECONDS, TimeUnit.SECONDS).outputs().get(0).asStrings();
  }

  private long successes(String model) {
    List<ModelStatistics> stats = result(gateway.statistics(model, ""));
    return stats.stream().mapToLong(s -> s.inferenceStats().success().count()).sum();
  }
}

package io.inferencia.gpu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencia.gpu.actors.InferResult;
import io.inferencia.gpu.actors.ModelRepositoryManager;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The replica entity's protocol with its node's manager (the manager a probe). */
class ModelReplicaTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String HERE = "pekko://inferencia@127.0.0.1:2551";

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void placedHereItOwnsTheCopyForwardsCallsAndGivesTheCopyBackWhenRetired() {
    TestProbe<ModelRepositoryManager.Command> manager = testKit.createTestProbe();
    ActorRef<ModelReplica.Command> replica = testKit.spawn(ModelReplica.create("ocr_rec/1#0", manager.ref(), HERE));
    replica.tell(new ModelReplica.Place(HERE));
    assertEquals(new ModelRepositoryManager.Own("ocr_rec", "1", "ocr_rec/1#0"),
        manager.expectMessageClass(ModelRepositoryManager.Own.class));

    TestProbe<InferResult> caller = testKit.createTestProbe();
    InferRequest request = new InferRequest("ocr_rec", "1", "id", List.of(Tensor.ofFloats("x", new long[] {1}, new float[] {1f})),
        List.of(), Map.of(), 0);
    replica.tell(new ModelReplica.Infer(request, caller.ref()));
    ModelRepositoryManager.Infer forwarded = manager.expectMessageClass(ModelRepositoryManager.Infer.class);
    assertEquals(request, forwarded.request());
    assertEquals(caller.ref(), forwarded.replyTo(), "answered straight to the caller");

    // It tells the manager again now and then (the manager may have reloaded the version since).
    manager.expectMessageClass(ModelRepositoryManager.Own.class, ModelReplica.REASSERT.plusSeconds(2));

    replica.tell(new ModelReplica.Retire("fewer"));
    assertEquals(new ModelRepositoryManager.Disown("ocr_rec", "1", "ocr_rec/1#0"),
        manager.expectMessageClass(ModelRepositoryManager.Disown.class));
    manager.expectTerminated(replica, Duration.ofSeconds(3));
  }

  @Test
  void placedOnAnotherNodeItOwnsNothingHereButStillServesWhatReachesIt() {
    TestProbe<ModelRepositoryManager.Command> manager = testKit.createTestProbe();
    ActorRef<ModelReplica.Command> replica = testKit.spawn(ModelReplica.create("ocr_cls/1#1", manager.ref(), HERE));
    replica.tell(new ModelReplica.Place("pekko://inferencia@127.0.0.1:2552"));
    manager.expectNoMessage(Duration.ofMillis(300));
    TestProbe<InferResult> caller = testKit.createTestProbe();
    InferRequest request = new InferRequest("ocr_cls", "1", "id", List.of(), List.of(), Map.of(), 0);
    replica.tell(new ModelReplica.Infer(request, caller.ref()));
    manager.expectMessageClass(ModelRepositoryManager.Infer.class);
    // Moved away by sharding while it owned nothing: nothing to give back.
    replica.tell(new ModelReplica.HandOff("moved"));
    manager.expectTerminated(replica, Duration.ofSeconds(3));
    manager.expectNoMessage(Duration.ofMillis(200));
  }
}

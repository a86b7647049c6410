package io.inferencia.gpu.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencia.gpu.cluster.ModelReplica;
import io.inferencia.gpu.runtime.PhaseTimes;
import io.inferencia.gpu.stats.VersionStatistics;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceFailure;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.inference.TensorSpec;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The manager's requests and replies round-trip through jackson-cbor, as they would between nodes. */
class MessageSerializationTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final SerializationTestKit serialization = new SerializationTestKit(testKit.system());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static final Tensor TENSOR = Tensor.ofFloats("x", new long[] {1, 2}, new float[] {1.5f, -2f});
  private static final InferRequest REQUEST =
      new InferRequest("m", "1", "id", List.of(TENSOR), List.of("y"), Map.of("k", "v"), 500)
          .withTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

  @Test
  void requestsRoundTrip() {
    TestProbe<InferResult> inferProbe = testKit.createTestProbe();
    TestProbe<ModelRepositoryManager.ControlReply> controlProbe = testKit.createTestProbe();
    TestProbe<ModelRepositoryManager.ReadyReply> readyProbe = testKit.createTestProbe();
    serialization.verifySerialization(new ModelRepositoryManager.Infer(REQUEST, inferProbe.ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.Load("m", controlProbe.ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.Load("m", "max_batch_size: 4", controlProbe.ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.Unload("m", controlProbe.ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.GetModelReady("m", "", readyProbe.ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.GetServerReady(readyProbe.ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.GetStarted(readyProbe.ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.GetIndex(true, testKit.<ModelRepositoryManager.IndexReply>createTestProbe().ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.GetMetadata("m", "1", testKit.<ModelRepositoryManager.MetadataReply>createTestProbe().ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.GetConfig("m", "1", testKit.<ModelRepositoryManager.ConfigReply>createTestProbe().ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.GetStatistics("", "", testKit.<ModelRepositoryManager.StatisticsReply>createTestProbe().ref()), true);
    serialization.verifySerialization(new Enqueue(REQUEST, inferProbe.ref()), true);
    serialization.verifySerialization(new VersionLifecycle.Unload(), true);
  }

  /** The admin API's requests and replies: an edge-only node asks every gpu node. */
  @Test
  void placementRequestsAndRepliesRoundTrip() {
    serialization.verifySerialization(new ModelRepositoryManager.GetPlacement(
        testKit.<ModelRepositoryManager.PlacementReply>createTestProbe().ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.GetNode(
        testKit.<ModelRepositoryManager.NodeReply>createTestProbe().ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.Scale("m", "1",
        new io.inferencia.protocols.placement.ScalingUpdate(0, null, 3),
        testKit.<ModelRepositoryManager.ScaleReply>createTestProbe().ref()), true);
    var policy = new io.inferencia.protocols.placement.ScalingPolicy(0, 2, 3);
    serialization.verifySerialization(new ModelRepositoryManager.PlacementReply(List.of(
        new io.inferencia.protocols.placement.ReplicaView("m", "1", "pekko://inferencia@10.0.0.1:2551", List.of("cpu"),
            "READY", "", 2, 1.5, 1 << 20, true, 1_700_000_000_000L, 0, true, policy, "m/1#0"))), false);
    serialization.verifySerialization(new ModelRepositoryManager.NodeReply(new io.inferencia.protocols.placement.NodeView(
        "pekko://inferencia@10.0.0.1:2551", List.of(new io.inferencia.protocols.placement.DeviceBudget("cpu", 1 << 30, 1 << 20, 1)),
        1, 0)), false);
    serialization.verifySerialization(new ModelRepositoryManager.Scaled(policy), false);
    serialization.verifySerialization(new ModelRepositoryManager.Pin("m", "1", false), false);
    serialization.verifySerialization(new ModelRepositoryManager.Release("m", "1",
        testKit.<ModelRepositoryManager.ControlReply>createTestProbe().ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.Warm("m", "1",
        testKit.<ModelRepositoryManager.ControlReply>createTestProbe().ref()), true);
    serialization.verifySerialization(new ModelRepositoryManager.Own("m", "1", "m/1#0"), false);
    serialization.verifySerialization(new ModelRepositoryManager.Disown("m", "1", "m/1#0"), false);
  }

  /** The replica entities' messages: the controller and the edges send them to other nodes. */
  @Test
  void replicaEntityMessagesRoundTrip() {
    serialization.verifySerialization(new ModelReplica.Place("pekko://inferencia@10.0.0.1:2551"), false);
    serialization.verifySerialization(new ModelReplica.Infer(REQUEST, testKit.<InferResult>createTestProbe().ref()), true);
    serialization.verifySerialization(new ModelReplica.Retire("fewer"), false);
    serialization.verifySerialization(new ModelReplica.HandOff("moved"), false);
  }

  /** The lifecycle's events: its owner may live on another node once versions are sharded. */
  @Test
  void lifecycleEventsRoundTrip() {
    VersionKey key = new VersionKey("m", "1", 7);
    serialization.verifySerialization(new VersionLifecycle.Ready(key, testKit.<Enqueue>createTestProbe().ref(), "note"), true);
    serialization.verifySerialization(new VersionLifecycle.Failed(key, "broken"), true);
    serialization.verifySerialization(new VersionLifecycle.Unloaded(key), true);
  }

  @Test
  void repliesRoundTrip() {
    serialization.verifySerialization(new InferResult.Served(new InferResponse("m", "1", "id", List.of(TENSOR))), true);
    serialization.verifySerialization(InferResult.failed(ErrorKind.RESOURCE_EXHAUSTED, "full"), true);
    serialization.verifySerialization(new ModelRepositoryManager.IndexReply(List.of(new ModelIndexEntry("m", "1", ModelState.READY, ""))), true);
    serialization.verifySerialization(new ModelRepositoryManager.Metadata(new ModelMetadata("m", List.of("1"), "onnxruntime",
        List.of(new TensorSpec("x", DataType.FP32, new long[] {-1, 2})), List.of())), true);
    serialization.verifySerialization(new ModelRepositoryManager.Refused(new InferenceFailure(ErrorKind.NOT_FOUND, "no")), true);
    serialization.verifySerialization(new ModelRepositoryManager.Done(), true);
    serialization.verifySerialization(new ModelRepositoryManager.ReadyReply(true), true);
    VersionStatistics stats = new VersionStatistics("m", "1");
    stats.succeeded(2, 900, 300, new PhaseTimes(10, 500, 20));
    stats.executed(2, new PhaseTimes(10, 500, 20));
    stats.failed(40);
    serialization.verifySerialization(new ModelRepositoryManager.Statistics(List.of(stats.snapshot())), true);
  }

  @Test
  void configReplyCarriesTheProtobufBytes() {
    byte[] config = ModelConfig.newBuilder().setName("m").setMaxBatchSize(4).build().toByteArray();
    ModelRepositoryManager.Config copy = serialization.verifySerialization(new ModelRepositoryManager.Config(config), false);
    assertArrayEquals(config, copy.config());
  }
}

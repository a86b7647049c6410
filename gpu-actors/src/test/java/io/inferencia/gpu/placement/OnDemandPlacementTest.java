package io.inferencia.gpu.placement;

import static io.inferencia.gpu.testkit.Await.failure;
import static io.inferencia.gpu.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.testkit.Await;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.placement.DeviceBudget;
import io.inferencia.protocols.placement.NodeView;
import io.inferencia.protocols.placement.ReplicaView;
import io.inferencia.protocols.placement.ScalingPolicy;
import io.inferencia.protocols.placement.ScalingUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions loaded on demand within a memory budget, through the gateway with the real ocr_cls model
 * under several names: scale from zero, LRU eviction of idle versions, pinned versions, load_wait,
 * versions too large for the budget, and scaling changed at run time.
 */
class OnDemandPlacementTest {
  private static final long MIB = 1 << 20;
  @TempDir Path repo;
  private ActorTestKit testKit;

  @AfterEach
  void stop() {
    if (testKit != null) testKit.shutdownTestKit();
  }

  /** A copy of ocr_cls named {@code name} with extra parameters. */
  private void cls(String name, Map<String, String> parameters) throws Exception {
    String shipped = Files.readString(TestModels.repository().resolve("ocr_cls/config.pbtxt"))
        .replace("name: \"ocr_cls\"", "name: \"" + name + "\"");
    StringBuilder config = new StringBuilder(shipped);
    parameters.forEach((k, v) -> config.append("\nparameters { key: \"").append(k)
        .append("\" value: { string_value: \"").append(v).append("\" } }"));
    TestModels.addModel(repo, name, config + "\n", "ocr_cls");
  }

  private InferenceGateway start(String budget) {
    Config config = TestModels.config(repo)
        .withValue("inference.placement.memory-budget", ConfigValueFactory.fromAnyRef(budget));
    testKit = ActorTestKit.create(config);
    InferenceCore core = InferenceCore.start(testKit.system(), config, List.of());
    Await.serverReady(core.gateway());
    return core.gateway();
  }

  private static InferRequest infer(String model) {
    return InferRequest.of(model, List.of(TestModels.randomFloats("x", new long[] {1, 3, 48, 192}, 1)));
  }

  private static Map<String, ReplicaView> placement(InferenceGateway gw) {
    return result(gw.placement()).stream().collect(Collectors.toMap(ReplicaView::model, r -> r));
  }

  private static DeviceBudget cpu(InferenceGateway gw) {
    NodeView node = result(gw.nodes()).get(0);
    return node.devices().stream().filter(d -> d.device().equals("cpu")).findFirst().orElseThrow();
  }

  @Test
  void aVersionWithMinReplicasZeroWaitsUnloadedAndLoadsOnItsFirstRequest() throws Exception {
    cls("lazy", Map.of("min_replicas", "0"));
    InferenceGateway gw = start("0");

    ModelIndexEntry idle = result(gw.index(false)).get(0);
    assertEquals(ModelState.UNAVAILABLE, idle.state());
    assertTrue(idle.reason().contains("loads on its next request"), idle.reason());
    assertFalse(result(gw.modelReady("lazy", "")));
    assertTrue(result(gw.serverReady()), "a version that loads on demand does not hold the node's readiness");
    assertEquals(0, cpu(gw).usedBytes());

    assertEquals(2, result(gw.infer(infer("lazy"))).outputs().get(0).asFloats().length);

    assertTrue(result(gw.modelReady("lazy", "1")));
    ReplicaView replica = placement(gw).get("lazy");
    assertEquals("READY", replica.state());
    assertEquals(List.of("cpu"), replica.devices());
    assertTrue(replica.lastUsedEpochMillis() > 0);
    assertEquals(new ScalingPolicy(0, 4, 2), replica.scaling());
    long file = Files.size(TestModels.onnxFile("ocr_cls"));
    // Measured once the load settled: at least the weights.
    Await.until(() -> placement(gw).get("lazy").footprintMeasured(), "the footprint was measured");
    assertTrue(placement(gw).get("lazy").footprintBytes() >= file, "footprint " + placement(gw).get("lazy").footprintBytes());
    assertEquals(placement(gw).get("lazy").footprintBytes(), cpu(gw).usedBytes());
    assertEquals(0, placement(gw).get("lazy").inFlight());
  }

  @Test
  void aFullBudgetEvictsTheLeastRecentlyUsedIdleVersionAndNeverOvercommits() throws Exception {
    for (String name : List.of("a", "b", "c"))
      cls(name, Map.of("min_replicas", "0", "memory_bytes", "10MiB", "idle_after", "0s"));
    InferenceGateway gw = start("25MiB");

    result(gw.infer(infer("a")));
    result(gw.infer(infer("b")));
    result(gw.infer(infer("a"))); // b is now the least recently used
    assertEquals(20 * MIB, cpu(gw).usedBytes());

    result(gw.infer(infer("c")));
    Map<String, ReplicaView> now = placement(gw);
    assertEquals("READY", now.get("a").state());
    assertEquals("READY", now.get("c").state());
    assertEquals("UNAVAILABLE", now.get("b").state());
    assertTrue(now.get("b").reason().contains("evicted"), now.get("b").reason());
    assertTrue(cpu(gw).usedBytes() <= 25 * MIB);
    assertEquals(2, cpu(gw).replicas());

    // b comes back on its next request, in place of a (now the least recently used).
    result(gw.infer(infer("b")));
    now = placement(gw);
    assertEquals("READY", now.get("b").state());
    assertEquals("UNAVAILABLE", now.get("a").state());
    assertEquals("READY", now.get("c").state());
    assertEquals(20 * MIB, cpu(gw).usedBytes());
  }

  @Test
  void pinnedVersionsAreNeverEvictedAndARequestWithoutRoomFailsAfterItsLoadWait() throws Exception {
    cls("pinned1", Map.of("min_replicas", "1", "memory_bytes", "10MiB"));
    cls("pinned2", Map.of("min_replicas", "1", "memory_bytes", "10MiB"));
    cls("extra", Map.of("min_replicas", "0", "memory_bytes", "10MiB", "load_wait", "700ms"));
    InferenceGateway gw = start("25MiB");
    assertTrue(result(gw.modelReady("pinned1", "")));
    assertTrue(result(gw.modelReady("pinned2", "")));

    long begun = System.nanoTime();
    var e = failure(gw.infer(infer("extra")), ErrorKind.UNAVAILABLE, "did not become ready within its load_wait");
    long waitedMs = (System.nanoTime() - begun) / 1_000_000;
    assertTrue(e.getMessage().contains("pinned"), e.getMessage());
    assertTrue(waitedMs >= 650 && waitedMs < 5_000, "waited " + waitedMs + " ms");
    assertEquals("READY", placement(gw).get("pinned1").state());
    assertEquals("READY", placement(gw).get("pinned2").state());
    assertEquals(20 * MIB, cpu(gw).usedBytes());
    // Nobody waits any more: the load gave up its turn.
    assertEquals(0, result(gw.nodes()).get(0).pendingLoads());
  }

  @Test
  void aVersionLargerThanTheBudgetFailsAtOnceWithTheNumbers() throws Exception {
    cls("huge", Map.of("min_replicas", "0", "memory_bytes", "100MiB"));
    InferenceGateway gw = start("25MiB");
    failure(gw.infer(infer("huge")), ErrorKind.UNAVAILABLE, "more than the memory budget of " + 25 * MIB + " bytes");
  }

  @Test
  void aClientDeadlineShorterThanTheLoadWaitEndsTheWaitAtTheDeadline() throws Exception {
    cls("lazy", Map.of("min_replicas", "0"));
    InferenceGateway gw = start("0");
    long begun = System.nanoTime();
    failure(gw.infer(infer("lazy").withClientTimeout(1)), ErrorKind.DEADLINE_EXCEEDED, "");
    assertTrue((System.nanoTime() - begun) / 1_000_000 < 2_000);
  }

  @Test
  void scalingChangedAtRunTimePinsAndLoadsAVersionAndIsCheckedAsAWhole() throws Exception {
    cls("lazy", Map.of("min_replicas", "0", "max_replicas", "3"));
    InferenceGateway gw = start("0");
    assertFalse(result(gw.modelReady("lazy", "")));

    ScalingPolicy pinned = result(gw.scale("lazy", "1", new ScalingUpdate(1, null, 4)));
    assertEquals(new ScalingPolicy(1, 3, 4), pinned);
    Await.until(() -> result(gw.modelReady("lazy", "1")), "lazy loaded once pinned");
    assertEquals(pinned, placement(gw).get("lazy").scaling());

    failure(gw.scale("lazy", "", new ScalingUpdate(5, null, null)), ErrorKind.INVALID_ARGUMENT, "must not exceed max_replicas");
    failure(gw.scale("lazy", "7", new ScalingUpdate(0, null, null)), ErrorKind.NOT_FOUND, "no version 7");
    failure(gw.scale("nope", "", new ScalingUpdate(0, null, null)), ErrorKind.NOT_FOUND, "nope");
    assertEquals(pinned, placement(gw).get("lazy").scaling(), "a refused change changes nothing");

    // The policy outlives a reload.
    result(gw.load("lazy"));
    assertEquals(pinned, placement(gw).get("lazy").scaling());
  }
}

package io.inferencia.gpu.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.placement.ReplicaScaler.Copy;
import io.inferencia.gpu.placement.ReplicaScaler.Node;
import io.inferencia.gpu.placement.ReplicaScaler.Pin;
import io.inferencia.gpu.placement.ReplicaScaler.Release;
import io.inferencia.gpu.placement.ReplicaScaler.Version;
import io.inferencia.gpu.placement.ReplicaScaler.Warm;
import io.inferencia.protocols.placement.ScalingPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The controller's replica decisions: by load with delays, min and max, room, and pins. */
class ReplicaScalerTest {
  private static final long S = 1_000_000_000L;
  private static final List<Node> THREE = List.of(new Node("a", Long.MAX_VALUE), new Node("b", 500), new Node("c", 900));
  private static final ScalingPolicy ONE_TO_THREE = new ScalingPolicy(1, 3, 2);

  private static Version m(ScalingPolicy policy, Copy... copies) {
    return new Version("m", "1", policy, List.of(copies));
  }

  @Test
  void wantsLoadOverTargetWithinMinMaxAndNodes() {
    assertEquals(1, ReplicaScaler.wanted(m(ONE_TO_THREE, new Copy("a", true, 0, 0)), 3));
    assertEquals(2, ReplicaScaler.wanted(m(ONE_TO_THREE, new Copy("a", true, 3.2, 0)), 3));
    assertEquals(3, ReplicaScaler.wanted(m(ONE_TO_THREE, new Copy("a", true, 40, 0)), 3));
    assertEquals(2, ReplicaScaler.wanted(m(ONE_TO_THREE, new Copy("a", true, 40, 0)), 2), "one replica per node");
    assertEquals(0, ReplicaScaler.wanted(m(new ScalingPolicy(0, 2, 2)), 3));
  }

  @Test
  void addsAReplicaOnlyAfterTheUpscaleDelayOnTheNodeWithMostRoom() {
    ReplicaScaler scaler = new ReplicaScaler(Duration.ofSeconds(10), Duration.ofMinutes(5));
    Version busy = m(ONE_TO_THREE, new Copy("a", true, 5, 100));
    assertEquals(List.of(new Pin("a", "m", "1", true)), scaler.decide(0, List.of(busy), THREE));
    assertEquals(List.of(), scaler.decide(9 * S, List.of(busy), THREE));
    // c has more room than b; a has it already.
    assertEquals(List.of(new Warm("c", "m", "1")), scaler.decide(10 * S, List.of(busy), THREE));
    assertEquals(List.of(), scaler.decide(11 * S, List.of(busy), THREE), "the next one waits another delay");
  }

  @Test
  void aLoadThatDropsBeforeTheDelayAddsNothing() {
    ReplicaScaler scaler = new ReplicaScaler(Duration.ofSeconds(10), Duration.ofMinutes(5));
    scaler.decide(0, List.of(m(ONE_TO_THREE, new Copy("a", true, 5, 100))), THREE);
    scaler.decide(5 * S, List.of(m(ONE_TO_THREE, new Copy("a", true, 1, 100))), THREE);
    assertEquals(List.of(), scaler.decide(12 * S, List.of(m(ONE_TO_THREE, new Copy("a", true, 5, 100))), THREE));
  }

  @Test
  void releasesTheLeastLoadedReplicaAfterTheDownscaleDelayNeverBelowMin() {
    ReplicaScaler scaler = new ReplicaScaler(Duration.ofSeconds(10), Duration.ofSeconds(60));
    Version idle = m(ONE_TO_THREE, new Copy("a", true, 0.5, 100), new Copy("b", true, 0.1, 100));
    assertEquals(List.of(new Pin("a", "m", "1", true), new Pin("b", "m", "1", false)), scaler.decide(0, List.of(idle), THREE));
    assertEquals(List.of(), scaler.decide(59 * S, List.of(idle), THREE));
    assertEquals(List.of(new Release("b", "m", "1")), scaler.decide(60 * S, List.of(idle), THREE));
    // The pinned copy (a, first by address) is never the one released, even when it is the least loaded.
    ReplicaScaler other = new ReplicaScaler(Duration.ofSeconds(10), Duration.ofSeconds(60));
    Version pinnedIdle = m(ONE_TO_THREE, new Copy("a", true, 0, 100), new Copy("b", true, 0.3, 100));
    other.decide(0, List.of(pinnedIdle), THREE);
    assertEquals(List.of(new Release("b", "m", "1")), other.decide(60 * S, List.of(pinnedIdle), THREE));
    Version one = m(ONE_TO_THREE, new Copy("a", true, 0, 100));
    assertEquals(List.of(), scaler.decide(200 * S, List.of(one), THREE), "min_replicas stays");
  }

  @Test
  void belowMinIsMadeUpAtOnceAndNoRoomIsUnmetDemand() {
    ReplicaScaler scaler = new ReplicaScaler(Duration.ofSeconds(10), Duration.ofMinutes(5));
    Version pinnedTwo = m(new ScalingPolicy(2, 3, 2), new Copy("a", true, 0, 600));
    List<ReplicaScaler.Action> actions = scaler.decide(0, List.of(pinnedTwo), THREE);
    assertTrue(actions.contains(new Warm("c", "m", "1")), actions.toString());
    // 600 bytes fit on c (900) but not b (500): with c full too, nowhere.
    List<Node> full = List.of(new Node("a", 0), new Node("b", 500), new Node("c", 100));
    ReplicaScaler other = new ReplicaScaler(Duration.ofSeconds(10), Duration.ofMinutes(5));
    assertTrue(other.decide(0, List.of(pinnedTwo), full).stream().noneMatch(a -> a instanceof Warm));
    assertEquals(1, other.unmet());
  }

  @Test
  void demandBeyondTheNodesIsUnmetAndAJoiningNodeGetsItAtTheNextDecision() {
    ReplicaScaler scaler = new ReplicaScaler(Duration.ofSeconds(10), Duration.ofMinutes(5));
    Version busy = m(ONE_TO_THREE, new Copy("a", true, 5, 100));
    List<Node> alone = List.of(new Node("a", Long.MAX_VALUE));
    scaler.decide(0, List.of(busy), alone);
    assertEquals(2, scaler.unmet(), "load 5 at target 2 wants 3 replicas; one node holds one");
    assertEquals(List.of(), scaler.decide(20 * S, List.of(busy), alone));
    assertEquals(2, scaler.unmet());
    List<Node> joined = List.of(new Node("a", Long.MAX_VALUE), new Node("b", 500));
    assertEquals(List.of(new Warm("b", "m", "1")), scaler.decide(21 * S, List.of(busy), joined),
        "the upscale delay ran out while no node had room: no second wait");
    assertEquals(1, scaler.unmet());
  }

  @Test
  void aWarmThatFindsNoRoomIsTriedAgainAtTheNextDecision() {
    ReplicaScaler scaler = new ReplicaScaler(Duration.ofSeconds(10), Duration.ofMinutes(5));
    Version busy = m(ONE_TO_THREE, new Copy("a", true, 3, 600));
    List<Node> full = List.of(new Node("a", 0), new Node("b", 500));
    scaler.decide(0, List.of(busy), full);
    assertEquals(List.of(), scaler.decide(10 * S, List.of(busy), full));
    assertEquals(1, scaler.unmet());
    List<Node> roomy = List.of(new Node("a", 0), new Node("b", 800));
    assertEquals(List.of(new Warm("b", "m", "1")), scaler.decide(11 * S, List.of(busy), roomy));
    assertEquals(0, scaler.unmet());
  }

  @Test
  void pinsAreSentWhenTheyChange() {
    ReplicaScaler scaler = new ReplicaScaler(Duration.ofSeconds(10), Duration.ofMinutes(5));
    Version two = m(ONE_TO_THREE, new Copy("a", true, 0, 0), new Copy("b", true, 0, 0));
    assertEquals(2, scaler.decide(0, List.of(two), THREE).size());
    assertEquals(List.of(), scaler.decide(S, List.of(two), THREE));
    // a is gone: b is now the pinned one.
    assertEquals(List.of(new Pin("b", "m", "1", true)),
        scaler.decide(2 * S, List.of(m(ONE_TO_THREE, new Copy("b", true, 0, 0))), THREE));
  }
}

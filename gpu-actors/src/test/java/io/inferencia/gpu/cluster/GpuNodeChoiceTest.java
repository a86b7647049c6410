package io.inferencia.gpu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

/** How an edge-only node picks the gpu node for a call. */
class GpuNodeChoiceTest {
  private static final int SPILL_AFTER = 4;

  private static List<GpuNode> nodes(int n) {
    return IntStream.range(0, n).mapToObj(i -> new GpuNode(new Address("pekko", "inferencia", "10.0.0." + i, 2551), null)).toList();
  }

  @Test
  void aSequenceStaysOnOneNodeAndSequencesSpread() {
    List<GpuNode> three = nodes(3);
    GpuNode first = ClusterGateway.choose(three, "vad_stream:42");
    for (int i = 0; i < 20; i++) assertEquals(first, ClusterGateway.choose(three, "vad_stream:42"));
    Set<GpuNode> used = new HashSet<>();
    for (int s = 0; s < 60; s++) used.add(ClusterGateway.choose(three, "vad_stream:" + s));
    assertEquals(3, used.size(), "sequences spread over every node");
  }

  @Test
  void aSequenceMovesOnlyWhenItsNodeIsGone() {
    List<GpuNode> three = nodes(3);
    int moved = 0;
    for (int s = 0; s < 100; s++) {
      GpuNode before = ClusterGateway.choose(three, "m:" + s);
      List<GpuNode> withoutLast = three.subList(0, 2);
      GpuNode after = ClusterGateway.choose(withoutLast, "m:" + s);
      if (before != three.get(2)) assertEquals(before, after, "a sequence whose node stays keeps it");
      else moved++;
    }
    assertTrue(moved > 0);
  }

  @Test
  void theLessBusyOfTwoIsChosen() {
    List<GpuNode> two = nodes(2);
    busy(two.get(0), 5);
    for (int i = 0; i < 20; i++) assertEquals(two.get(1), ClusterGateway.choose(two, null));
  }

  @Test
  void callsGoWhereTheirVersionIsReadyAndAnywhereWhenItIsNowhere() {
    List<GpuNode> three = nodes(3);
    three.get(1).serving(Set.of("lazy", "lazy/1"), Map.of());
    three.get(2).serving(Set.of("other", "other/1"), Map.of());
    assertEquals(List.of(three.get(1)), ClusterGateway.preferServing(three, "lazy", ""));
    assertEquals(List.of(three.get(1)), ClusterGateway.preferServing(three, "lazy", "1"));
    assertEquals(three, ClusterGateway.preferServing(three, "lazy", "2"), "version 2 is nowhere: any node loads it");
    assertEquals(three, ClusterGateway.preferServing(three, "cold", ""));
    three.get(0).serving(Set.of("lazy", "lazy/1"), Map.of());
    assertEquals(List.of(three.get(0), three.get(1)), ClusterGateway.preferServing(three, "lazy", ""));
  }

  @Test
  void aNodeThatIsAlsoAGpuNodeServesLocallyUnlessOnlyOthersHaveTheVersion() {
    GpuNode here = new GpuNode(new Address("pekko", "inferencia"), null, true);
    GpuNode there = nodes(1).get(0);
    LocalFirstGateway gateway = localFirst(here, there);
    var lazy = io.inferencia.protocols.inference.InferRequest.of("lazy", List.of());
    assertFalse(gateway.goesElsewhere(lazy), "nowhere: it loads here");
    there.serving(Set.of("lazy", "lazy/1"), Map.of());
    assertTrue(gateway.goesElsewhere(lazy), "only there: it goes there");
    here.serving(Set.of("lazy", "lazy/1"), Map.of());
    assertFalse(gateway.goesElsewhere(lazy), "here too: here");
    here.serving(Set.of(), Map.of());
    var sequence = new io.inferencia.protocols.inference.InferRequest("lazy", "", "", List.of(), List.of(),
        java.util.Map.of(io.inferencia.gpu.sequence.SequenceId.ID, "7"), 0);
    assertFalse(gateway.goesElsewhere(sequence), "a sequence stays where its state is");
  }

  @Test
  void aNodeThatIsAlsoAGpuNodeSpillsOverToAnotherReplicaOnlyWhenItIsWellAheadInCalls() {
    GpuNode here = new GpuNode(new Address("pekko", "inferencia"), null, true);
    GpuNode there = nodes(1).get(0);
    LocalFirstGateway gateway = localFirst(here, there);
    var hot = io.inferencia.protocols.inference.InferRequest.of("hot", List.of());
    here.serving(Set.of("hot", "hot/1"), Map.of());
    there.serving(Set.of("hot", "hot/1"), Map.of());
    busy(here, SPILL_AFTER - 1);
    assertFalse(gateway.goesElsewhere(hot), "a few calls ahead: still here");
    busy(here, 1);
    assertTrue(gateway.goesElsewhere(hot), "SPILL_AFTER ahead of the other replica: over the cluster");
    busy(there, 1);
    assertFalse(gateway.goesElsewhere(hot), "the other replica got busier too: here again");
    there.serving(Set.of(), Map.of());
    busy(here, 10);
    assertFalse(gateway.goesElsewhere(hot), "no other replica: here however busy");
  }

  /** A node's edge over {@code here} (its own core) and {@code there}; no call is ever sent. */
  private static LocalFirstGateway localFirst(GpuNode here, GpuNode there) {
    GpuNodes all = new GpuNodes();
    all.publish(List.of(here, there));
    return new LocalFirstGateway(
        new io.inferencia.gpu.actors.ActorInferenceGateway(null, null, java.time.Duration.ofSeconds(1)),
        new ClusterGateway(all, null, java.time.Duration.ofSeconds(1)), all, SPILL_AFTER);
  }

  /** {@code calls} more calls in flight to the node, each its own object (a node counts a set of calls). */
  private static void busy(GpuNode node, int calls) {
    for (int i = 0; i < calls; i++) assertTrue(node.track(new Runnable() {
      @Override
      public void run() {}
    }));
  }

  @Test
  void noNodeNoChoice() {
    assertNull(ClusterGateway.choose(List.of(), null));
  }

  @Test
  void losingANodeResendsWhatIsInFlightOnce() {
    GpuNode node = nodes(1).get(0);
    int[] resent = new int[1];
    assertTrue(node.track(() -> resent[0]++));
    assertTrue(node.track(() -> resent[0]++));
    node.markLost();
    assertEquals(2, resent[0]);
    assertEquals(0, node.outstanding());
    assertFalse(node.track(() -> resent[0]++), "a lost node takes no new calls");
  }
}

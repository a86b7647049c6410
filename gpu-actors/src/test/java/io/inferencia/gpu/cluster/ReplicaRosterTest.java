package io.inferencia.gpu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaRosterTest {
  private static final String A = "pekko://inferencia@127.0.0.1:2551";
  private static final String B = "pekko://inferencia@127.0.0.1:2552";
  private static final long S = 1_000_000_000L;

  private final ReplicaRoster roster = new ReplicaRoster(Duration.ofSeconds(30));

  private static ReplicaRoster.Copy copy(String node, String replica) {
    return new ReplicaRoster.Copy(node, "ocr_rec", "1", replica);
  }

  @Test
  void copiesWithoutAnOwnerGetTheLowestFreeIndexesOnTheirNodes() {
    List<ReplicaRoster.Placement> placed = roster.update(0, List.of(copy(A, ""), copy(B, "")));
    assertEquals(List.of(new ReplicaRoster.Placement(ReplicaId.parse("ocr_rec/1#0"), A, true),
        new ReplicaRoster.Placement(ReplicaId.parse("ocr_rec/1#1"), B, true)), placed);
  }

  @Test
  void aNewNameIsSentAgainUntilItsNodeReportsItThenLeftAlone() {
    roster.update(0, List.of(copy(A, "")));
    assertEquals(List.of(new ReplicaRoster.Placement(ReplicaId.parse("ocr_rec/1#0"), A, false)),
        roster.update(S, List.of(copy(A, ""))), "not reported yet: placed again, not named twice");
    assertEquals(List.of(), roster.update(2 * S, List.of(copy(A, "ocr_rec/1#0"))));
  }

  @Test
  void indexesInUseAreSkippedAndAReplicaLostWithItsNodeComesBackUnderItsName() {
    roster.update(0, List.of(copy(A, "ocr_rec/1#0"), copy(B, "ocr_rec/1#1")));
    // Node A is lost; the copy warmed elsewhere to make up for it takes #0 again.
    String c = "pekko://inferencia@127.0.0.1:2553";
    assertEquals(List.of(new ReplicaRoster.Placement(ReplicaId.parse("ocr_rec/1#0"), c, true)),
        roster.update(S, List.of(copy(B, "ocr_rec/1#1"), copy(c, ""))));
  }

  @Test
  void aNameNeverConfirmedIsFreedAfterTheConfirmTime() {
    roster.update(0, List.of(copy(A, "")));
    List<ReplicaRoster.Placement> later = roster.update(31 * S, List.of(copy(A, "")));
    assertEquals(1, later.size());
    assertTrue(later.get(0).fresh(), "placed afresh: " + later);
    assertEquals("ocr_rec/1#0", later.get(0).id().toString());
  }

  @Test
  void versionsAreNamedApart() {
    List<ReplicaRoster.Placement> placed = roster.update(0, List.of(copy(A, ""),
        new ReplicaRoster.Copy(A, "ocr_cls", "1", "")));
    assertEquals(List.of("ocr_rec/1#0", "ocr_cls/1#0"), placed.stream().map(p -> p.id().toString()).toList());
  }

  @Test
  void replicaIdsParseAndRefuseWhatIsNotOne() {
    ReplicaId id = ReplicaId.parse("ocr_rec/12#3");
    assertEquals(new ReplicaId("ocr_rec", "12", 3), id);
    assertEquals("ocr_rec/12#3", id.toString());
    assertEquals("ocr_rec/12", id.versionKey());
    assertThrows(IllegalArgumentException.class, () -> ReplicaId.parse("ocr_rec#3"));
    assertThrows(IllegalArgumentException.class, () -> ReplicaId.parse("ocr_rec/1#x"));
    assertThrows(IllegalArgumentException.class, () -> ReplicaId.parse("ocr_rec/1#-1"));
  }
}

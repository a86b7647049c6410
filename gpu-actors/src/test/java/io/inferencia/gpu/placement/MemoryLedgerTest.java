package io.inferencia.gpu.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.placement.DeviceBudget;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The budget arithmetic and the least-recently-used choice of what to evict. */
class MemoryLedgerTest {
  private static final List<String> CPU = List.of("cpu");

  @Test
  void chargesEachDeviceAndFreesOnRelease() {
    MemoryLedger<String> ledger = new MemoryLedger<>(List.of("cpu", "cuda-0"), 100);
    ledger.charge("a", List.of("cpu", "cuda-0"), 60);
    assertTrue(ledger.fits(CPU, 40));
    assertFalse(ledger.fits(CPU, 41));
    assertFalse(ledger.fits(List.of("cuda-0"), 41));
    ledger.charge("a", List.of("cpu", "cuda-0"), 30); // re-charged with a measured size
    assertEquals(30, ledger.used("cpu"));
    ledger.release("a");
    ledger.release("a");
    assertEquals(0, ledger.used("cpu"));
    assertEquals(List.of(new DeviceBudget("cpu", 100, 0, 0), new DeviceBudget("cuda-0", 100, 0, 0)), ledger.budgets());
  }

  @Test
  void noLimitFitsEverything() {
    MemoryLedger<String> ledger = new MemoryLedger<>(CPU, 0);
    ledger.charge("a", CPU, Long.MAX_VALUE / 2);
    assertTrue(ledger.fits(CPU, Long.MAX_VALUE / 4));
    assertEquals(Optional.of(List.of()), ledger.makeRoom(CPU, 1, List.of(), List.of()));
  }

  @Test
  void evictsTheLeastRecentlyUsedEvictableReplicasUntilItFits() {
    MemoryLedger<String> ledger = new MemoryLedger<>(CPU, 100);
    ledger.charge("old", CPU, 30);
    ledger.charge("pinned", CPU, 30);
    ledger.charge("older", CPU, 30);
    var candidates = List.of(
        new MemoryLedger.Candidate<>("old", CPU, 20, true),
        new MemoryLedger.Candidate<>("pinned", CPU, 1, false),
        new MemoryLedger.Candidate<>("older", CPU, 10, true));
    assertEquals(Optional.of(List.of("older")), ledger.makeRoom(CPU, 40, candidates, List.of()));
    assertEquals(Optional.of(List.of("older", "old")), ledger.makeRoom(CPU, 70, candidates, List.of()));
    assertEquals(Optional.empty(), ledger.makeRoom(CPU, 71, candidates, List.of()), "the pinned one stays");
    // What is already unloading counts: nothing more needs to go.
    assertEquals(Optional.of(List.of()), ledger.makeRoom(CPU, 40, candidates, List.of("older")));
  }

  @Test
  void onlyReplicasOnTheNeededDevicesMakeRoom() {
    MemoryLedger<String> ledger = new MemoryLedger<>(List.of("cpu", "cuda-0"), 100);
    ledger.charge("gpu", List.of("cuda-0"), 90);
    ledger.charge("cpu", CPU, 90);
    var candidates = List.of(new MemoryLedger.Candidate<>("gpu", List.of("cuda-0"), 1, true),
        new MemoryLedger.Candidate<>("cpu", CPU, 2, true));
    assertEquals(Optional.of(List.of("cpu")), ledger.makeRoom(CPU, 50, candidates, List.of()));
    assertTrue(ledger.everFits(100));
    assertFalse(ledger.everFits(101));
  }
}

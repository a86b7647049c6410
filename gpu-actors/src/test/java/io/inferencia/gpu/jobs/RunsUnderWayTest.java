package io.inferencia.gpu.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.jobs.RunCheck;
import org.junit.jupiter.api.Test;

/** What a worker answers an entity's run check, with two tickets of one job under way at once. */
class RunsUnderWayTest {
  private static RunCheck check(int attempt, String run) {
    return new RunCheck("job-1", attempt, run, null);
  }

  @Test
  void theEndOfASecondTicketLeavesTheFirstRunUnderWay() {
    RunsUnderWay runs = new RunsUnderWay();
    String first = runs.began("job-1", 3, "run-a");
    String second = runs.began("job-1", 3, "run-b"); // the sweeper's resent ticket, refused by the entity
    runs.ended(second);
    assertTrue(runs.isUnderWay(check(3, "run-a")), "the accepted run still executes");
    assertFalse(runs.isUnderWay(check(3, "run-b")));
    runs.ended(first);
    assertFalse(runs.isUnderWay(check(3, "run-a")));
  }

  @Test
  void anotherAttemptOrRunNameIsNotUnderWay() {
    RunsUnderWay runs = new RunsUnderWay();
    runs.began("job-1", 2, "run-a");
    assertFalse(runs.isUnderWay(check(3, "run-a")));
    assertFalse(runs.isUnderWay(check(2, "run-z")));
    assertFalse(runs.isUnderWay(new RunCheck("job-2", 2, "run-a", null)));
  }
}

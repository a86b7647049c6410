package io.inferencia.gpu.jobs;

import io.inferencia.protocols.jobs.RunCheck;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs under way on this worker, by job, attempt and run name, so a job's entity can ask whether
 * its running attempt still executes here. Several runs of one job can be under way at once (a ticket
 * sent again by the sweeper runs beside the first until the entity refuses it): each is its own entry,
 * so the end of one never makes another look gone. Thread-safe: runs end on stream threads.
 */
final class RunsUnderWay {
  private final Set<String> runs = ConcurrentHashMap.newKeySet();

  /** Records a run; returns the handle that {@link #ended} takes. */
  String began(String jobId, int attempt, String run) {
    String name = name(jobId, attempt, run);
    runs.add(name);
    return name;
  }

  void ended(String handle) {
    runs.remove(handle);
  }

  boolean isUnderWay(RunCheck check) {
    return runs.contains(name(check.jobId(), check.attempt(), check.run()));
  }

  private static String name(String jobId, int attempt, String run) {
    return jobId + "/" + attempt + "/" + run;
  }
}

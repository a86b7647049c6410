package io.inferencia.persistence.jobs;

import io.inferencia.protocols.CborSerializable;
import io.inferencia.protocols.jobs.JobEvent;
import io.inferencia.protocols.jobs.JobProgress;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobTimings;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import java.util.ArrayList;
import java.util.List;

/**
 * A job as its events made it: status, the attempt in play, where its result went, and the history
 * clients can replay (one transition per event, so the transition count is the last sequence number).
 * Immutable; {@link #apply} returns the next state.
 *
 * @param attempt the current attempt: the one running, or the next one to start
 * @param notBefore when a scheduled retry may start (epoch ms); 0 when not waiting
 * @param worker the serialized reference of the worker running the current attempt, "" when none
 * @param run the run of the current attempt that got the go-ahead, "" when none
 * @param progress the current attempt's last reported progress, null when none
 * @param waits attempts that were retries while a dependency was down (they do not count against the limit)
 */
public record JobState(String jobId, JobSpec spec, JobStatus status, int attempt, int startedRuns, long createdAt,
    long updatedAt, long notBefore, String worker, String run, String error, String output, JobTimings timings,
    List<JobTransition> history, JobProgress progress, int waits) implements CborSerializable {

  public JobState {
    history = List.copyOf(history);
  }

  public static JobState empty() {
    return new JobState("", null, null, 0, 0, 0, 0, 0, "", "", "", "", JobTimings.NONE, List.of(), null, 0);
  }

  public boolean exists() {
    return status != null;
  }

  public boolean isTerminal() {
    return exists() && status.isTerminal();
  }

  public long lastSeqNr() {
    return history.size();
  }

  public JobView view() {
    return new JobView(jobId, spec.tenant(), spec.task(), spec.input(), status, createdAt, updatedAt, startedRuns,
        error, output, timings, progress);
  }

  public JobState apply(JobEvent event) {
    if (event instanceof JobEvent.JobSubmitted e)
      return new JobState(e.jobId(), e.spec(), JobStatus.QUEUED, 1, 0, e.at(), e.at(), 0, "", "", "", "", JobTimings.NONE,
          List.of(new JobTransition(1, "Submitted", JobStatus.QUEUED, 1, e.at(), e.spec().input())), null, 0);
    if (event instanceof JobEvent.JobStarted e)
      return next(JobStatus.RUNNING, e.attempt(), startedRuns + 1, 0, e.worker(), e.run() == null ? "" : e.run(), error,
          output, timings, e.at(), "Started", e.node()).withProgress(null);
    if (event instanceof JobEvent.JobProgressed e) {
      JobProgress reported = new JobProgress(e.bytesDone(), e.bytesTotal());
      return next(status, attempt, startedRuns, notBefore, worker, run, error, output, timings, e.at(), "Progress",
          reported.detail()).withProgress(reported);
    }
    if (event instanceof JobEvent.JobSucceeded e)
      return next(JobStatus.SUCCEEDED, e.attempt(), startedRuns, 0, "", "", "", e.output(), e.timings(), e.at(),
          "Succeeded", e.output());
    if (event instanceof JobEvent.JobFailed e)
      return next(JobStatus.FAILED, e.attempt(), startedRuns, 0, "", "", e.reason(), output, timings, e.at(), "Failed",
          e.reason());
    if (event instanceof JobEvent.JobRetryScheduled e) {
      JobState next = next(JobStatus.QUEUED, e.attempt(), startedRuns, e.notBefore(), "", "", e.reason(), output, timings, e.at(),
          "RetryScheduled", e.reason());
      return e.waiting() ? next.withWaits(waits + 1) : next;
    }
    if (event instanceof JobEvent.JobCancelled e)
      return next(JobStatus.CANCELLED, attempt, startedRuns, 0, "", "", error, output, timings, e.at(), "Cancelled",
          e.reason());
    throw new IllegalStateException("unknown job event " + event);
  }

  private JobState next(JobStatus newStatus, int newAttempt, int runs, long newNotBefore, String newWorker,
      String newRun, String newError, String newOutput, JobTimings newTimings, long at, String eventName, String detail) {
    List<JobTransition> h = new ArrayList<>(history.size() + 1);
    h.addAll(history);
    h.add(new JobTransition(history.size() + 1, eventName, newStatus, newAttempt, at, detail));
    return new JobState(jobId, spec, newStatus, newAttempt, runs, createdAt, at, newNotBefore, newWorker, newRun, newError,
        newOutput, newTimings, h, progress, waits);
  }

  private JobState withProgress(JobProgress p) {
    return new JobState(jobId, spec, status, attempt, startedRuns, createdAt, updatedAt, notBefore, worker, run, error,
        output, timings, history, p, waits);
  }

  private JobState withWaits(int w) {
    return new JobState(jobId, spec, status, attempt, startedRuns, createdAt, updatedAt, notBefore, worker, run, error,
        output, timings, history, progress, w);
  }

  /** Attempts that count against the limit: every attempt but those scheduled while a dependency was down. */
  public int countedAttempts() {
    return attempt - waits;
  }
}

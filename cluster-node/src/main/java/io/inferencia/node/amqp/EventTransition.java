package io.inferencia.node.amqp;

import io.inferencia.protocols.jobs.JobEvent;
import io.inferencia.protocols.jobs.JobProgress;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobTransition;

/** A journal event as the transition the job's SSE stream shows for it (same name, status and detail). */
final class EventTransition {
  private EventTransition() {}

  static JobTransition of(JobEvent event, long seqNr, int currentAttempt) {
    if (event instanceof JobEvent.JobSubmitted e)
      return new JobTransition(seqNr, "Submitted", JobStatus.QUEUED, 1, e.at(), e.spec().input());
    if (event instanceof JobEvent.JobStarted e)
      return new JobTransition(seqNr, "Started", JobStatus.RUNNING, e.attempt(), e.at(), e.node());
    if (event instanceof JobEvent.JobProgressed e)
      return new JobTransition(seqNr, "Progress", JobStatus.RUNNING, e.attempt(), e.at(),
          new JobProgress(e.bytesDone(), e.bytesTotal()).detail());
    if (event instanceof JobEvent.JobSucceeded e)
      return new JobTransition(seqNr, "Succeeded", JobStatus.SUCCEEDED, e.attempt(), e.at(), e.output());
    if (event instanceof JobEvent.JobFailed e)
      return new JobTransition(seqNr, "Failed", JobStatus.FAILED, e.attempt(), e.at(), e.reason());
    if (event instanceof JobEvent.JobRetryScheduled e)
      return new JobTransition(seqNr, "RetryScheduled", JobStatus.QUEUED, e.attempt(), e.at(), e.reason());
    if (event instanceof JobEvent.JobCancelled e)
      return new JobTransition(seqNr, "Cancelled", JobStatus.CANCELLED, currentAttempt, e.at(), e.reason());
    throw new IllegalArgumentException("unknown job event " + event);
  }
}

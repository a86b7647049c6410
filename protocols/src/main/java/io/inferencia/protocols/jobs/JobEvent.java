package io.inferencia.protocols.jobs;

import io.inferencia.protocols.CborSerializable;

/** The facts a job entity persists; its status is derived from them. Times are epoch milliseconds. */
public sealed interface JobEvent extends CborSerializable {
  long at();

  /** Accepted: validated at the edge, recorded before the client got its id. */
  record JobSubmitted(String jobId, JobSpec spec, long at) implements JobEvent {}

  /**
   * A worker took attempt {@code attempt}; {@code worker} is its serialized actor reference, {@code run} the
   * run that got the go-ahead (null in events written before runs were named).
   */
  record JobStarted(int attempt, String worker, String node, String run, long at) implements JobEvent {}

  /** The running attempt reported its progress (at most once a second): a long job's bytes done. */
  record JobProgressed(int attempt, long bytesDone, long bytesTotal, long at) implements JobEvent {}

  /** The result object {@code output} was written. */
  record JobSucceeded(int attempt, String output, JobTimings timings, long at) implements JobEvent {}

  /** Permanently failed: a bad input, or transient failures beyond the attempt limit. */
  record JobFailed(int attempt, String reason, long at) implements JobEvent {}

  /** Attempt {@code attempt - 1} failed transiently; attempt {@code attempt} may start at {@code notBefore}. */
  record JobRetryScheduled(int attempt, long notBefore, String reason, long at, boolean waiting) implements JobEvent {
    /** {@code waiting}: scheduled because a dependency was down; such attempts do not count against the limit. */
    public JobRetryScheduled(int attempt, long notBefore, String reason, long at) {
      this(attempt, notBefore, reason, at, false);
    }
  }

  /** Cancelled by the client: a queued job never runs, a running job's result is discarded. */
  record JobCancelled(String reason, long at) implements JobEvent {}
}

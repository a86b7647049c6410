package io.inferencia.protocols.jobs;

/** A job entity answered and refused the command: the job does not exist, conflicts, or has finished. */
public final class JobRefusedException extends RuntimeException {
  private final JobCommand.JobError error;

  public JobRefusedException(String jobId, JobCommand.JobError error) {
    super("job " + jobId + ": " + error.kind() + ": " + error.message(), null, false, false);
    this.error = error;
  }

  public JobCommand.JobError error() {
    return error;
  }
}

package io.inferencia.protocols.jobs;

import io.inferencia.protocols.CborSerializable;

/**
 * A job as the API shows it. {@code output} is the result's {@code s3://} URI once succeeded (the
 * edge adds a pre-signed URL); {@code error} the reason of the last failure; {@code attempts} how many
 * runs started; {@code progress} how far a long job's running attempt got (null when it reported none).
 */
public record JobView(String jobId, String tenant, String task, String input, JobStatus status, long createdAt,
    long updatedAt, int attempts, String error, String output, JobTimings timings, JobProgress progress)
    implements CborSerializable {
  public JobView(String jobId, String tenant, String task, String input, JobStatus status, long createdAt,
      long updatedAt, int attempts, String error, String output, JobTimings timings) {
    this(jobId, tenant, task, input, status, createdAt, updatedAt, attempts, error, output, timings, null);
  }
}

package io.inferencia.protocols.jobs;

import java.util.List;
import java.util.Optional;

/**
 * The jobs read side as the edge queries it: one row per job, kept by the persistence module's projection.
 * Implementations block (JDBC): call only from a blocking dispatcher. Pages run newest first with an opaque
 * cursor, so they stay stable while jobs are being added.
 */
public interface JobViewRepository {
  record Row(String jobId, String tenant, String task, JobStatus status, String input, String output,
      String error, int attempts, long createdAt, long updatedAt) {}

  /** {@code nextCursor} is null on the last page. */
  record Page(List<Row> jobs, String nextCursor) {}

  /** Newest first; {@code status} and {@code cursor} may be null. A malformed cursor is an IllegalArgumentException. */
  Page list(String tenant, JobStatus status, int limit, String cursor);

  Optional<Row> find(String jobId);

  /** The tenant's QUEUED and RUNNING jobs, counted up to {@code atMost} (the count stops there). */
  int countUnfinished(String tenant, int atMost);
}

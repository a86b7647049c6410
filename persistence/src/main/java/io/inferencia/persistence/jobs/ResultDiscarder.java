package io.inferencia.persistence.jobs;

import io.inferencia.protocols.jobs.JobResults;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the results of attempts that do not count: those of a cancelled job, and those a run wrote
 * before it was lost or overtaken by a retry. A job entity calls it when the job finishes; the deletes
 * run on the blocking executor, best effort (a missing object is fine).
 */
@FunctionalInterface
public interface ResultDiscarder {
  /** Deletes the result objects of {@code attempts} of {@code jobId}, if they exist. Must not block. */
  void discard(String jobId, List<Integer> attempts);

  /** Nothing to delete (tests without storage). */
  ResultDiscarder NONE = (jobId, attempts) -> {};

  /** Deletes from the results bucket of {@code objects}. */
  static ResultDiscarder inStore(ObjectStore objects, String resultsBucket, Executor blocking) {
    Logger log = LoggerFactory.getLogger(ResultDiscarder.class);
    return (jobId, attempts) -> CompletableFuture.runAsync(() -> {
      for (int attempt : attempts) objects.delete(new S3Uri(resultsBucket, JobResults.key(jobId, attempt)));
    }, blocking).exceptionally(t -> {
      log.warn("Job {}: results of attempts {} could not be deleted: {}", jobId, attempts, t.getMessage());
      return null;
    });
  }
}

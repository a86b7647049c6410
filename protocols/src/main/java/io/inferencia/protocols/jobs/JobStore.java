package io.inferencia.protocols.jobs;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The jobs port: the job entities as the edges reach them, wherever the persistence module keeps them. A
 * refused command fails its stage with {@link JobRefusedException}; any other failure means the store did
 * not answer in time.
 */
public interface JobStore {
  CompletionStage<JobView> submit(String jobId, JobSpec spec);

  CompletionStage<JobView> get(String jobId);

  CompletionStage<JobView> cancel(String jobId, String reason);

  /** The job's transitions after {@code afterSeqNr}, then live ones; completes after the last. */
  Source<JobTransition, NotUsed> watch(String jobId, long afterSeqNr);
}

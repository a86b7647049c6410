package io.inferencia.edge.jobs;

import io.inferencia.edge.api.ApiProblem;
import io.inferencia.protocols.jobs.JobRefusedException;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobStore;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The edges' way to the jobs, through the {@link JobStore} port: replies as views, refusals and silence as
 * {@link ApiProblem}s, watches as streams of transitions.
 */
public final class JobsClient {
  private final JobStore store;
  private final Duration timeout;

  /** @param timeout how long the store waits for an entity, for the message of an unanswered call */
  public JobsClient(JobStore store, Duration timeout) {
    this.store = store;
    this.timeout = timeout;
  }

  public CompletionStage<JobView> submit(String jobId, JobSpec spec) {
    return problems(jobId, store.submit(jobId, spec));
  }

  public CompletionStage<JobView> get(String jobId) {
    return problems(jobId, store.get(jobId));
  }

  public CompletionStage<JobView> cancel(String jobId, String reason) {
    return problems(jobId, store.cancel(jobId, reason));
  }

  /** The job's transitions after {@code afterSeqNr}, then live ones; completes after the last. */
  public Source<JobTransition, NotUsed> watch(String jobId, long afterSeqNr) {
    return store.watch(jobId, afterSeqNr);
  }

  private CompletionStage<JobView> problems(String jobId, CompletionStage<JobView> reply) {
    return reply.exceptionally(t -> {
      Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      if (!(cause instanceof JobRefusedException refused))
        throw ApiProblem.unavailable("jobs-unavailable", "the job store did not answer within " + timeout.toSeconds() + " s");
      throw switch (refused.error().kind()) {
        case NOT_FOUND -> ApiProblem.notFound("job-not-found", "job " + jobId + " does not exist");
        case CONFLICT -> ApiProblem.conflict("idempotency-conflict", refused.error().message());
        case FINISHED -> ApiProblem.conflict("job-finished", refused.error().message());
      };
    });
  }
}

package io.inferencia.edge.jobs;

import io.inferencia.edge.api.ApiProblem;
import io.inferencia.protocols.jobs.JobRefusedException;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobStore;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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

  /**
   * A submission may be stored after the store gave up waiting (the entity was recovering, the write
   * was slow): unless refused, it is submitted once more before answering, which is safe because a
   * repeated submit of the same job answers the job as it is. Only when that goes unanswered too is
   * the client told the store is unavailable, and that resubmitting with the same Idempotency-Key is safe.
   */
  public CompletionStage<JobView> submit(String jobId, JobSpec spec) {
    CompletionStage<JobView> confirmed = store.submit(jobId, spec)
        .handle((view, t) -> t == null || refusal(t) != null ? settled(view, t) : store.submit(jobId, spec))
        .thenCompose(stage -> stage);
    return problems(jobId, confirmed, "the job store did not confirm job " + jobId + " within " + timeout.toSeconds()
        + " s; it may have been accepted: submit again with the same Idempotency-Key, or GET /v1/jobs/" + jobId);
  }

  private static CompletionStage<JobView> settled(JobView view, Throwable t) {
    return t == null ? CompletableFuture.completedFuture(view) : CompletableFuture.failedFuture(t);
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
    return problems(jobId, reply, "the job store did not answer within " + timeout.toSeconds() + " s");
  }

  private static JobRefusedException refusal(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause instanceof JobRefusedException refused ? refused : null;
  }

  private CompletionStage<JobView> problems(String jobId, CompletionStage<JobView> reply, String unanswered) {
    return reply.exceptionally(t -> {
      JobRefusedException refused = refusal(t);
      if (refused == null) throw ApiProblem.unavailable("jobs-unavailable", unanswered);
      throw switch (refused.error().kind()) {
        case NOT_FOUND -> ApiProblem.notFound("job-not-found", "job " + jobId + " does not exist");
        case CONFLICT -> ApiProblem.conflict("idempotency-conflict", refused.error().message());
        case FINISHED -> ApiProblem.conflict("job-finished", refused.error().message());
      };
    });
  }
}

package io.inferencia.edge.jobs;

import io.inferencia.edge.api.ApiProblem;
import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobCommand.JobReply;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The edges' way to the job entities (wherever sharding placed them): asks with a timeout, replies
 * turned into views or {@link ApiProblem}s, and watches turned into streams of transitions.
 */
public final class JobsClient {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final EntityTypeKey<JobCommand> key;
  private final Duration timeout;

  public JobsClient(ActorSystem<?> system, EntityTypeKey<JobCommand> key, Duration timeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.key = key;
    this.timeout = timeout;
  }

  public CompletionStage<JobView> submit(String jobId, JobSpec spec) {
    return ask(jobId, r -> new JobCommand.Submit(spec, r));
  }

  public CompletionStage<JobView> get(String jobId) {
    return ask(jobId, JobCommand.Get::new);
  }

  public CompletionStage<JobView> cancel(String jobId, String reason) {
    return ask(jobId, r -> new JobCommand.Cancel(reason, r));
  }

  /** The job's transitions after {@code afterSeqNr}, then live ones; completes after the last. */
  public Source<JobTransition, NotUsed> watch(String jobId, long afterSeqNr) {
    return JobWatcher.source(system, entity(jobId), afterSeqNr);
  }

  private EntityRef<JobCommand> entity(String jobId) {
    return sharding.entityRefFor(key, jobId);
  }

  private CompletionStage<JobView> ask(String jobId, Function<ActorRef<JobReply>, JobCommand> message) {
    return entity(jobId).<JobReply>ask(message::apply, timeout)
        .exceptionally(t -> {
          throw ApiProblem.unavailable("jobs-unavailable", "the job store did not answer within " + timeout.toSeconds() + " s");
        })
        .thenApply(reply -> {
          if (reply.error() == null) return reply.view();
          throw switch (reply.error().kind()) {
            case NOT_FOUND -> ApiProblem.notFound("job-not-found", "job " + jobId + " does not exist");
            case CONFLICT -> ApiProblem.conflict("idempotency-conflict", reply.error().message());
            case FINISHED -> ApiProblem.conflict("job-finished", reply.error().message());
          };
        });
  }
}

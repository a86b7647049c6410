package io.inferencia.persistence.jobs;

import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobCommand.JobReply;
import io.inferencia.protocols.jobs.JobRefusedException;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobStore;
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
import org.apache.pekko.stream.javadsl.Source;

/**
 * The {@link JobStore} port on the sharded {@link JobEntity}s: asks with a timeout, refusals turned into
 * {@link JobRefusedException}s, and watches turned into streams of transitions.
 */
public final class ShardedJobStore implements JobStore {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration timeout;

  public ShardedJobStore(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<JobView> submit(String jobId, JobSpec spec) {
    return ask(jobId, r -> new JobCommand.Submit(spec, r));
  }

  @Override
  public CompletionStage<JobView> get(String jobId) {
    return ask(jobId, JobCommand.Get::new);
  }

  @Override
  public CompletionStage<JobView> cancel(String jobId, String reason) {
    return ask(jobId, r -> new JobCommand.Cancel(reason, r));
  }

  @Override
  public Source<JobTransition, NotUsed> watch(String jobId, long afterSeqNr) {
    return JobWatcher.source(system, entity(jobId), afterSeqNr);
  }

  private EntityRef<JobCommand> entity(String jobId) {
    return sharding.entityRefFor(JobEntity.ENTITY_KEY, jobId);
  }

  private CompletionStage<JobView> ask(String jobId, Function<ActorRef<JobReply>, JobCommand> message) {
    return entity(jobId).<JobReply>ask(message::apply, timeout).thenApply(reply -> {
      if (reply.error() != null) throw new JobRefusedException(jobId, reply.error());
      return reply.view();
    });
  }
}

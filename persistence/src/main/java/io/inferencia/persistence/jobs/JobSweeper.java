package io.inferencia.persistence.jobs;

import io.inferencia.protocols.jobs.JobCommand;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The safety net that makes "no job stays stuck" hold after crashes: a cluster singleton that
 * periodically finds unfinished jobs with no event for a while (from the read side) and wakes their
 * entities, which re-send lost tickets, re-arm retry timers or notice a dead worker.
 */
public final class JobSweeper {
  private JobSweeper() {}

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private enum Tick implements Command { INSTANCE }

  private record Found(List<String> jobIds, Throwable error) implements Command {}

  public static void init(ActorSystem<?> system, JobSettings settings, JdbcJobViewRepository repository, Executor blocking) {
    Behavior<Command> supervised = Behaviors.supervise(create(settings, repository, blocking))
        .onFailure(SupervisorStrategy.restart());
    ClusterSingleton.get(system).init(SingletonActor.of(supervised, "job-sweeper"));
  }

  static Behavior<Command> create(JobSettings settings, JdbcJobViewRepository repository, Executor blocking) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.sweepInterval());
      ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
      Duration staleAfter = settings.staleAfter();
      return Behaviors.<Command>receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            long before = System.currentTimeMillis() - staleAfter.toMillis();
            ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> repository.staleJobs(before, settings.sweepBatch()), blocking),
                Found::new);
            return Behaviors.same();
          })
          .onMessage(Found.class, found -> {
            if (found.error() != null) ctx.getLog().warn("Job sweep failed: {}", found.error().getMessage());
            else {
              if (!found.jobIds().isEmpty()) ctx.getLog().info("Waking {} unfinished job(s) without progress", found.jobIds().size());
              for (String id : found.jobIds())
                sharding.entityRefFor(JobEntity.ENTITY_KEY, id).tell(JobCommand.Wake.INSTANCE);
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}

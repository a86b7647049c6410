package io.inferencia.persistence.jobs;

import io.inferencia.protocols.jobs.JobCommand;
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
 * entities, which re-send lost tickets, re-arm retry timers or check on their worker.
 *
 * <p>When it starts (a node start, or the singleton moving after a crash) every unfinished job not
 * updated since counts as stale, so jobs whose entities died with a node are back on their way within
 * one sweep instead of after {@code stale-after}. Each tick takes the next page after where the last
 * one stopped, wrapping around at the end, so jobs that stay stuck cannot hide the others.
 */
public final class JobSweeper {
  private JobSweeper() {}

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private enum Tick implements Command { INSTANCE }

  private record Found(List<JdbcJobViewRepository.StaleJob> jobs, Throwable error) implements Command {}

  public static void init(ActorSystem<?> system, JobSettings settings, JdbcJobViewRepository repository, Executor blocking) {
    Behavior<Command> supervised = Behaviors.supervise(create(settings, repository, blocking))
        .onFailure(SupervisorStrategy.restart());
    ClusterSingleton.get(system).init(SingletonActor.of(supervised, "job-sweeper"));
  }

  static Behavior<Command> create(JobSettings settings, JdbcJobViewRepository repository, Executor blocking) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.sweepInterval());
      ctx.getSelf().tell(Tick.INSTANCE);
      return new Sweep(ctx, settings, repository, blocking).behavior();
    }));
  }

  /** One sweeper incarnation: when it started, and where its last page ended. */
  private static final class Sweep {
    private final org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx;
    private final JobSettings settings;
    private final JdbcJobViewRepository repository;
    private final Executor blocking;
    private final ClusterSharding sharding;
    private final long startedAt = System.currentTimeMillis();
    private JdbcJobViewRepository.SweepPosition after;
    private boolean inFlight;

    Sweep(org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx, JobSettings settings,
        JdbcJobViewRepository repository, Executor blocking) {
      this.ctx = ctx;
      this.settings = settings;
      this.repository = repository;
      this.blocking = blocking;
      this.sharding = ClusterSharding.get(ctx.getSystem());
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, this::tick)
          .onMessage(Found.class, this::found)
          .build();
    }

    private Behavior<Command> tick() {
      if (inFlight) return Behaviors.same();
      inFlight = true;
      long before = Math.max(System.currentTimeMillis() - settings.staleAfter().toMillis(), startedAt);
      JdbcJobViewRepository.SweepPosition from = after;
      ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> repository.staleJobs(before, from, settings.sweepBatch()), blocking),
          Found::new);
      return Behaviors.same();
    }

    private Behavior<Command> found(Found found) {
      inFlight = false;
      if (found.error() != null) {
        ctx.getLog().warn("Job sweep failed: {}", found.error().getMessage());
        return Behaviors.same();
      }
      List<JdbcJobViewRepository.StaleJob> jobs = found.jobs();
      if (!jobs.isEmpty()) ctx.getLog().info("Waking {} unfinished job(s) without progress", jobs.size());
      for (JdbcJobViewRepository.StaleJob job : jobs)
        sharding.entityRefFor(JobEntity.ENTITY_KEY, job.jobId()).tell(JobCommand.Wake.INSTANCE);
      // A short page was the end: the next tick starts from the oldest again.
      after = jobs.size() < settings.sweepBatch() ? null : jobs.get(jobs.size() - 1).position();
      return Behaviors.same();
    }
  }
}

package io.inferencia.gpu.jobs;

import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobTicket;
import io.inferencia.protocols.jobs.JobWorkers;
import io.inferencia.protocols.jobs.RunCheck;
import io.inferencia.protocols.storage.ObjectStore;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.delivery.ConsumerController;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;

/**
 * This node's worker: a work-pulling consumer of the dispatcher's tickets feeding a Streams graph that
 * runs up to {@code parallelism} jobs at once (storage in, inference, storage out, report). A ticket is
 * confirmed — and the next one requested — only when the graph has room for it, so a busy node simply
 * stops pulling. It starts pulling once the node's inference core is ready (repository scanned, pinned
 * models loaded): a node that is still starting takes no ticket it would fail. Job entities watch this
 * actor (if the node dies, its runs are retried elsewhere) and send it {@link RunCheck}s, which it
 * answers from the runs under way.
 */
public final class JobWorker {
  private static final Duration READINESS_POLL = Duration.ofMillis(500);

  private JobWorker() {}

  /**
   * What a worker needs; {@code entityKey} addresses the job entities, {@code coreReady} tells whether
   * the node's inference core can take the work yet.
   */
  public record Setup(EntityTypeKey<JobCommand> entityKey, ObjectStore objects, Executor blocking, TaskRunners runners,
      String resultsBucket, int parallelism, Duration askTimeout, Supplier<CompletionStage<Boolean>> coreReady) {}

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Delivered(ConsumerController.Delivery<JobTicket> delivery) implements Command {}

  private record Accepted(ActorRef<ConsumerController.Confirmed> confirmTo, QueueOfferResult result, Throwable error)
      implements Command {}

  private enum Poll implements Command { INSTANCE }

  private record CoreReady(boolean ready) implements Command {}

  public static Behavior<Command> create(Setup setup) {
    // Also receives RunCheck, a protocols message that cannot be one of this actor's own commands.
    return Behaviors.<Object>setup(ctx -> Behaviors.withTimers(timers -> {
      String node = Cluster.get(ctx.getSystem()).selfMember().address().toString();
      JobRun run = new JobRun(ctx.getSystem(), setup.entityKey(), ctx.getSelf(), node, setup.objects(), setup.blocking(),
          setup.runners(), setup.resultsBucket(), setup.askTimeout());
      timers.startTimerWithFixedDelay(Poll.INSTANCE, READINESS_POLL);
      ctx.getSelf().tell(Poll.INSTANCE);
      return waitingForCore(ctx, timers, setup, run);
    })).narrow();
  }

  private static Behavior<Object> waitingForCore(ActorContext<Object> ctx, TimerScheduler<Object> timers, Setup setup,
      JobRun run) {
    return Behaviors.receive(Object.class)
        .onMessage(RunCheck.class, c -> answer(c, run))
        .onMessage(Poll.class, p -> {
          ctx.pipeToSelf(setup.coreReady().get(), (ready, error) -> new CoreReady(error == null && ready));
          return Behaviors.same();
        })
        .onMessage(CoreReady.class, r -> {
          if (!r.ready()) return Behaviors.same();
          timers.cancel(Poll.INSTANCE);
          return pulling(ctx, setup, run);
        })
        .build();
  }

  private static Behavior<Object> pulling(ActorContext<Object> ctx, Setup setup, JobRun run) {
    SourceQueueWithComplete<JobTicket> queue = Source.<JobTicket>queue(setup.parallelism(), OverflowStrategy.backpressure())
        .mapAsyncUnordered(setup.parallelism(), run::run)
        .to(Sink.ignore())
        .run(Materializer.matFromSystem(ctx.getSystem()));
    ActorRef<ConsumerController.Command<JobTicket>> consumer =
        ctx.spawn(ConsumerController.create(JobWorkers.SERVICE_KEY), "consumer");
    consumer.tell(new ConsumerController.Start<>(ctx.messageAdapter(ConsumerController.deliveryClass(), Delivered::new)));
    ctx.getLog().info("Job worker started: {} jobs at a time", setup.parallelism());
    return Behaviors.receive(Object.class)
        .onMessage(RunCheck.class, c -> answer(c, run))
        .onMessage(Delivered.class, d -> {
          ctx.pipeToSelf(queue.offer(d.delivery().message()),
              (result, error) -> new Accepted(d.delivery().confirmTo(), result, error));
          return Behaviors.same();
        })
        .onMessage(Accepted.class, a -> {
          if (a.error() != null || !(a.result() instanceof QueueOfferResult.Enqueued$))
            ctx.getLog().warn("Job ticket not taken by the pipeline ({}); the job's entity will resend it",
                a.error() != null ? a.error().getMessage() : a.result());
          a.confirmTo().tell(ConsumerController.confirmed());
          return Behaviors.same();
        })
        .onMessage(CoreReady.class, r -> Behaviors.same())
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> {
          queue.complete();
          return Behaviors.same();
        })
        .build();
  }

  private static Behavior<Object> answer(RunCheck c, JobRun run) {
    c.replyTo().tell(new JobCommand.RunChecked(c.attempt(), c.run(), run.isUnderWay(c)));
    return Behaviors.same();
  }
}

package io.inferencia.gpu.jobs;

import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobTicket;
import io.inferencia.protocols.jobs.JobWorkers;
import io.inferencia.protocols.jobs.RunCheck;
import io.inferencia.protocols.storage.ObjectStore;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.delivery.ConsumerController;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
 * stops pulling. Job entities watch this actor (if the node dies, its runs are retried elsewhere) and
 * send it {@link RunCheck}s, which it answers from the runs under way.
 */
public final class JobWorker {
  private JobWorker() {}

  /** What a worker needs; {@code entityKey} addresses the job entities. */
  public record Setup(EntityTypeKey<JobCommand> entityKey, ObjectStore objects, Executor blocking, TaskRunners runners,
      String resultsBucket, int parallelism, Duration askTimeout) {}

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Delivered(ConsumerController.Delivery<JobTicket> delivery) implements Command {}

  private record Accepted(ActorRef<ConsumerController.Confirmed> confirmTo, QueueOfferResult result, Throwable error)
      implements Command {}

  public static Behavior<Command> create(Setup setup) {
    // Also receives RunCheck, a protocols message that cannot be one of this actor's own commands.
    return Behaviors.<Object>setup(ctx -> {
      String node = Cluster.get(ctx.getSystem()).selfMember().address().toString();
      JobRun run = new JobRun(ctx.getSystem(), setup.entityKey(), ctx.getSelf(), node, setup.objects(), setup.blocking(),
          setup.runners(), setup.resultsBucket(), setup.askTimeout());
      SourceQueueWithComplete<JobTicket> queue = Source.<JobTicket>queue(setup.parallelism(), OverflowStrategy.backpressure())
          .mapAsyncUnordered(setup.parallelism(), run::run)
          .to(Sink.ignore())
          .run(Materializer.matFromSystem(ctx.getSystem()));
      ActorRef<ConsumerController.Command<JobTicket>> consumer =
          ctx.spawn(ConsumerController.create(JobWorkers.SERVICE_KEY), "consumer");
      consumer.tell(new ConsumerController.Start<>(ctx.messageAdapter(ConsumerController.deliveryClass(), Delivered::new)));
      ctx.getLog().info("Job worker started: {} jobs at a time", setup.parallelism());
      return Behaviors.receive(Object.class)
          .onMessage(RunCheck.class, c -> {
            c.replyTo().tell(new JobCommand.RunChecked(c.attempt(), c.run(), run.isUnderWay(c)));
            return Behaviors.same();
          })
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
          .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> {
            queue.complete();
            return Behaviors.same();
          })
          .build();
    }).narrow();
  }
}

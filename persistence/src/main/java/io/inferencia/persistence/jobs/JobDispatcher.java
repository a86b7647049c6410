package io.inferencia.persistence.jobs;

import io.inferencia.protocols.CborSerializable;
import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobTicket;
import io.inferencia.protocols.jobs.JobWorkers;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.delivery.ConsumerController;
import org.apache.pekko.actor.typed.delivery.WorkPullingProducerController;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The hand-off from job entities to workers: a cluster singleton that owns a work-pulling producer.
 * Workers on every gpu node register a consumer under {@link #WORKERS}; a ticket leaves only when some
 * worker asked for one, so a busy cluster backpressures instead of piling work onto nodes.
 *
 * <p>Tickets wait here in arrival order, one per job (a newer attempt replaces an older one, a repeated
 * ticket is dropped). This buffer is not durable on purpose: every ticket is derived from the job's
 * journal, and entities re-send it after a crash or when the sweeper wakes them.
 */
public final class JobDispatcher extends AbstractBehavior<JobDispatcher.Command> {
  public static final ServiceKey<ConsumerController.Command<JobTicket>> WORKERS = JobWorkers.SERVICE_KEY;

  public sealed interface Command {}

  /** Queue a ticket; acknowledged with {@link JobCommand.Enqueued} unless the buffer is full. */
  public record Enqueue(JobTicket ticket, ActorRef<JobCommand> replyTo) implements Command, CborSerializable {}

  /** The job was cancelled: its waiting ticket, if any, is dropped rather than handed to a worker. */
  public record Withdraw(String jobId) implements Command, CborSerializable {}

  private record WorkerDemand(WorkPullingProducerController.RequestNext<JobTicket> next)
      implements Command, NoSerializationVerificationNeeded {}

  private final int capacity;
  private final LinkedHashMap<String, JobTicket> waiting = new LinkedHashMap<>();
  private WorkPullingProducerController.RequestNext<JobTicket> demand;

  /** Starts (or joins) the singleton and returns the proxy every node sends to. */
  public static ActorRef<Command> init(ActorSystem<?> system, JobSettings settings) {
    Behavior<Command> supervised = Behaviors.supervise(create(settings.dispatcherBuffer()))
        .onFailure(SupervisorStrategy.restart());
    return ClusterSingleton.get(system).init(SingletonActor.of(supervised, "job-dispatcher"));
  }

  public static Behavior<Command> create(int capacity) {
    return Behaviors.setup(ctx -> new JobDispatcher(ctx, capacity));
  }

  private JobDispatcher(ActorContext<Command> ctx, int capacity) {
    super(ctx);
    this.capacity = capacity;
    ActorRef<WorkPullingProducerController.Command<JobTicket>> producer = ctx.spawn(
        WorkPullingProducerController.create(JobTicket.class, "job-dispatcher", WORKERS, Optional.empty()),
        "producer");
    ActorRef<WorkPullingProducerController.RequestNext<JobTicket>> adapter =
        ctx.messageAdapter(WorkPullingProducerController.requestNextClass(), WorkerDemand::new);
    producer.tell(new WorkPullingProducerController.Start<>(adapter));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Enqueue.class, this::onEnqueue)
        .onMessage(WorkerDemand.class, this::onDemand)
        .onMessage(Withdraw.class, w -> {
          waiting.remove(w.jobId());
          return this;
        })
        .build();
  }

  private Behavior<Command> onEnqueue(Enqueue msg) {
    JobTicket t = msg.ticket();
    JobTicket queued = waiting.get(t.jobId());
    if (queued == null && waiting.size() >= capacity) {
      // Not acknowledged: the entity re-sends later, which is the backpressure towards submitters.
      getContext().getLog().debug("Dispatcher full ({} tickets), deferring job {}", capacity, t.jobId());
      return this;
    }
    if (queued == null || queued.attempt() < t.attempt()) waiting.put(t.jobId(), t);
    msg.replyTo().tell(new JobCommand.Enqueued(t.attempt()));
    deliver();
    return this;
  }

  private Behavior<Command> onDemand(WorkerDemand msg) {
    demand = msg.next();
    deliver();
    return this;
  }

  private void deliver() {
    if (demand == null || waiting.isEmpty()) return;
    Iterator<JobTicket> first = waiting.values().iterator();
    JobTicket next = first.next();
    first.remove();
    demand.sendNextTo().tell(next);
    demand = null;
  }
}

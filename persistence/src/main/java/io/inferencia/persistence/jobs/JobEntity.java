package io.inferencia.persistence.jobs;

import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobCommand.Ack;
import io.inferencia.protocols.jobs.JobCommand.Cancel;
import io.inferencia.protocols.jobs.JobCommand.Complete;
import io.inferencia.protocols.jobs.JobCommand.EnqueueDue;
import io.inferencia.protocols.jobs.JobCommand.Enqueued;
import io.inferencia.protocols.jobs.JobCommand.Fail;
import io.inferencia.protocols.jobs.JobCommand.Get;
import io.inferencia.protocols.jobs.JobCommand.JobError;
import io.inferencia.protocols.jobs.JobCommand.JobReply;
import io.inferencia.protocols.jobs.JobCommand.Start;
import io.inferencia.protocols.jobs.JobCommand.StartReply;
import io.inferencia.protocols.jobs.JobCommand.Submit;
import io.inferencia.protocols.jobs.JobCommand.Unwatch;
import io.inferencia.protocols.jobs.JobCommand.Watch;
import io.inferencia.protocols.jobs.JobCommand.WatchUpdate;
import io.inferencia.protocols.jobs.JobCommand.WatcherGone;
import io.inferencia.protocols.jobs.JobCommand.WorkerLost;
import io.inferencia.protocols.jobs.JobEvent;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobTicket;
import io.inferencia.protocols.jobs.JobTransition;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One job, sharded and event-sourced: the single writer of its status. It accepts the submission,
 * hands a ticket to the {@link JobDispatcher} until acknowledged, lets exactly one worker run each
 * attempt (watching it, so a lost worker becomes a retry), schedules retries with backoff, and pushes
 * every transition to its watchers. The journal is the durable queue: after a crash, recovery (woken by
 * the {@link JobSweeper} or any command) puts the job back on its way.
 */
public final class JobEntity extends EventSourcedBehaviorWithEnforcedReplies<JobCommand, JobEvent, JobState> {
  public static final EntityTypeKey<JobCommand> ENTITY_KEY = EntityTypeKey.create(JobCommand.class, "Job");
  /** Events are tagged over this many slices; one read-side projection instance runs per slice. */
  public static final int TAG_SLICES = 4;
  private static final String ENQUEUE_TIMER = "enqueue";

  private final String jobId;
  private final JobSettings settings;
  private final ActorRef<JobDispatcher.Command> dispatcher;
  private final ActorContext<JobCommand> ctx;
  private final TimerScheduler<JobCommand> timers;
  private final Set<ActorRef<WatchUpdate>> watchers = new HashSet<>();
  /** The attempt the dispatcher acknowledged in this incarnation (0: none). */
  private int enqueued;
  /** The attempt whose worker this incarnation watches (0: none), and that worker. */
  private int watchedAttempt;
  private ActorRef<Object> watchedWorker;
  /** The attempt whose ticket this incarnation sent, its re-send timer running (0: none). */
  private int sentAttempt;

  /** Registers the entity with sharding on this node; {@code dispatcher} is the singleton's proxy. */
  public static void init(org.apache.pekko.actor.typed.ActorSystem<?> system, JobSettings settings,
      ActorRef<JobDispatcher.Command> dispatcher) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ec -> create(ec.getEntityId(), settings, dispatcher))
        .withStopMessage(JobCommand.Passivate.INSTANCE));
  }

  public static Behavior<JobCommand> create(String jobId, JobSettings settings, ActorRef<JobDispatcher.Command> dispatcher) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new JobEntity(jobId, settings, dispatcher, ctx, timers)));
  }

  public static PersistenceId persistenceId(String jobId) {
    return PersistenceId.of(ENTITY_KEY.name(), jobId);
  }

  public static String tag(String jobId) {
    return "jobs-" + Math.floorMod(jobId.hashCode(), TAG_SLICES);
  }

  private JobEntity(String jobId, JobSettings settings, ActorRef<JobDispatcher.Command> dispatcher,
      ActorContext<JobCommand> ctx, TimerScheduler<JobCommand> timers) {
    // A journal outage restarts the entity with backoff instead of stopping it for good.
    super(persistenceId(jobId), SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.jobId = jobId;
    this.settings = settings;
    this.dispatcher = dispatcher;
    this.ctx = ctx;
    this.timers = timers;
  }

  @Override
  public JobState emptyState() {
    return JobState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public Set<String> tagsFor(JobEvent event) {
    return Set.of(tag(jobId));
  }

  // ---- commands ----

  @Override
  public CommandHandlerWithReply<JobCommand, JobEvent, JobState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forState(s -> !s.exists())
        .onCommand(Submit.class, this::submit)
        .onCommand(Get.class, c -> Effect().reply(c.replyTo(), notFound()))
        .onCommand(Cancel.class, c -> Effect().reply(c.replyTo(), notFound()))
        .onCommand(Watch.class, c -> Effect().reply(c.subscriber(), WatchUpdate.gone()))
        .onCommand(Start.class, c -> Effect().reply(c.replyTo(), skip(c.attempt(), null, "unknown job")))
        .onCommand(Complete.class, c -> Effect().reply(c.replyTo(), new Ack(false, false, "unknown job")))
        .onCommand(Fail.class, c -> Effect().reply(c.replyTo(), new Ack(false, false, "unknown job")))
        .onCommand(JobCommand.Passivate.class, c -> Effect().stop().thenNoReply())
        .onAnyCommand(c -> Effect().noReply());
    builder.forAnyState()
        .onCommand(Submit.class, this::resubmit)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), JobReply.of(s.view())))
        .onCommand(Cancel.class, this::cancel)
        .onCommand(Watch.class, this::watch)
        .onCommand(Unwatch.class, (s, c) -> unwatch(c.subscriber()))
        .onCommand(WatcherGone.class, (s, c) -> unwatch(c.subscriber()))
        .onCommand(Start.class, this::start)
        .onCommand(Complete.class, this::complete)
        .onCommand(Fail.class, this::fail)
        .onCommand(Enqueued.class, this::enqueued)
        .onCommand(EnqueueDue.class, (s, c) -> enqueueIfDue(s, c.attempt()))
        .onCommand(WorkerLost.class, this::workerLost)
        .onCommand(JobCommand.Wake.class, (s, c) -> wake(s))
        .onCommand(JobCommand.Passivate.class, (s, c) -> passivate());
    return builder.build();
  }

  /**
   * The ticket leaves before JobSubmitted is stored, so a worker picks the job up while the write is
   * under way (a millisecond or more of a small job's latency). It is safe: Start is stashed until the
   * write completes and refused if it failed, and nothing leaves a worker before Start's go-ahead.
   */
  private ReplyEffect<JobEvent, JobState> submit(JobState state, Submit c) {
    sendTicket(1, c.spec());
    return Effect().persist(new JobEvent.JobSubmitted(jobId, c.spec(), now()))
        .thenRun((JobState s) -> afterPersist(s))
        .thenReply(c.replyTo(), s -> JobReply.of(s.view()));
  }

  /** Idempotent submission: the same request gets the same job, a different one with the same key is refused. */
  private ReplyEffect<JobEvent, JobState> resubmit(JobState state, Submit c) {
    if (!state.spec().fingerprint().equals(c.spec().fingerprint()) || !state.spec().tenant().equals(c.spec().tenant()))
      return Effect().reply(c.replyTo(), JobReply.error(JobError.Kind.CONFLICT,
          "the Idempotency-Key was already used for a different request (job " + jobId + ")"));
    return Effect().reply(c.replyTo(), JobReply.of(state.view()));
  }

  private ReplyEffect<JobEvent, JobState> cancel(JobState state, Cancel c) {
    if (state.isTerminal())
      return Effect().reply(c.replyTo(), JobReply.error(JobError.Kind.FINISHED,
          "job " + jobId + " has already finished (" + state.status() + ")"));
    return Effect().persist(new JobEvent.JobCancelled(c.reason(), now()))
        .thenRun((JobState s) -> {
          // A ticket still waiting would cost a worker a speculative read and inference for nothing.
          if (state.status() == JobStatus.QUEUED) dispatcher.tell(new JobDispatcher.Withdraw(jobId));
          afterPersist(s);
        })
        .thenReply(c.replyTo(), s -> JobReply.of(s.view()));
  }

  private ReplyEffect<JobEvent, JobState> watch(JobState state, Watch c) {
    for (JobTransition t : state.history())
      if (t.seqNr() > c.afterSeqNr()) c.subscriber().tell(WatchUpdate.of(t));
    if (!state.isTerminal() && watchers.add(c.subscriber()))
      ctx.watchWith(c.subscriber(), new WatcherGone(c.subscriber()));
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, JobState> unwatch(ActorRef<WatchUpdate> subscriber) {
    if (watchers.remove(subscriber)) ctx.unwatch(subscriber);
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, JobState> start(JobState state, Start c) {
    // The run that already has the go-ahead asks again when its reply was lost: answer it again.
    if (state.status() == JobStatus.RUNNING && c.attempt() == state.attempt() && !state.run().isEmpty()
        && state.run().equals(c.run()))
      return Effect().reply(c.replyTo(), new StartReply(true, jobId, state.attempt(), state.spec(), ""));
    if (state.status() != JobStatus.QUEUED)
      return Effect().reply(c.replyTo(), skip(c.attempt(), state, "job is " + state.status()));
    if (c.attempt() != state.attempt())
      return Effect().reply(c.replyTo(), skip(c.attempt(), state, "attempt " + c.attempt() + " is stale (now " + state.attempt() + ")"));
    if (state.notBefore() > now())
      return Effect().reply(c.replyTo(), skip(c.attempt(), state, "retry not due yet"));
    String worker = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(c.worker());
    return Effect().persist(new JobEvent.JobStarted(c.attempt(), worker, c.node(), c.run(), now()))
        .thenRun((JobState s) -> afterPersist(s))
        .thenReply(c.replyTo(), s -> new StartReply(true, jobId, s.attempt(), s.spec(), ""));
  }

  private ReplyEffect<JobEvent, JobState> complete(JobState state, Complete c) {
    if (state.status() == JobStatus.CANCELLED)
      return Effect().reply(c.replyTo(), new Ack(false, true, "job was cancelled; its result is discarded"));
    if (state.status() != JobStatus.RUNNING || c.attempt() != state.attempt())
      return Effect().reply(c.replyTo(), new Ack(false, false, "attempt " + c.attempt() + " is not the running one"));
    return Effect().persist(new JobEvent.JobSucceeded(c.attempt(), c.output(), c.timings(), now()))
        .thenRun((JobState s) -> afterPersist(s))
        .thenReply(c.replyTo(), s -> new Ack(true, false, ""));
  }

  private ReplyEffect<JobEvent, JobState> fail(JobState state, Fail c) {
    if (state.status() != JobStatus.RUNNING || c.attempt() != state.attempt())
      return Effect().reply(c.replyTo(), new Ack(false, false, "attempt " + c.attempt() + " is not the running one"));
    return Effect().persist(failureEvent(state, c.reason(), c.retryable()))
        .thenRun((JobState s) -> afterPersist(s))
        .thenReply(c.replyTo(), s -> new Ack(true, false, ""));
  }

  /** A run's worker died: the attempt counts as a transient failure. */
  private ReplyEffect<JobEvent, JobState> workerLost(JobState state, WorkerLost c) {
    if (state.status() != JobStatus.RUNNING || c.attempt() != state.attempt()) return Effect().noReply();
    String reason = "the worker running attempt " + c.attempt() + " was lost";
    ctx.getLog().warn("Job {}: {}", jobId, reason);
    return Effect().persist(failureEvent(state, reason, true)).thenRun((JobState s) -> afterPersist(s)).thenNoReply();
  }

  private JobEvent failureEvent(JobState state, String reason, boolean retryable) {
    long now = now();
    if (retryable && state.attempt() < settings.maxAttempts()) {
      int next = state.attempt() + 1;
      return new JobEvent.JobRetryScheduled(next, now + settings.backoff(next).toMillis(), reason, now);
    }
    String why = retryable ? reason + " (gave up after " + state.attempt() + " attempts)" : reason;
    return new JobEvent.JobFailed(state.attempt(), why, now);
  }

  private ReplyEffect<JobEvent, JobState> enqueued(JobState state, Enqueued c) {
    if (c.attempt() == state.attempt()) {
      enqueued = c.attempt();
      timers.cancel(ENQUEUE_TIMER);
    }
    return Effect().noReply();
  }

  /** The sweeper saw no progress for a while: re-send the ticket, re-arm the timer or watch the worker. */
  private ReplyEffect<JobEvent, JobState> wake(JobState state) {
    if (state.status() == JobStatus.RUNNING && now() - state.updatedAt() > settings.runTimeout().toMillis()) {
      String reason = "attempt " + state.attempt() + " ran longer than " + settings.runTimeout().toMinutes() + " min";
      return Effect().persist(failureEvent(state, reason, true)).thenRun((JobState s) -> afterPersist(s)).thenNoReply();
    }
    if (state.status() == JobStatus.QUEUED) {
      enqueued = 0;
      sentAttempt = 0;
    }
    resume(state);
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, JobState> passivate() {
    watchers.forEach(w -> w.tell(WatchUpdate.suspendedUpdate()));
    return Effect().stop().thenNoReply();
  }

  // ---- side effects after each event, and after recovery ----

  private void afterPersist(JobState state) {
    JobTransition last = state.history().get(state.history().size() - 1);
    WatchUpdate update = WatchUpdate.of(last);
    watchers.forEach(w -> w.tell(update));
    if (state.isTerminal()) {
      watchers.forEach(ctx::unwatch);
      watchers.clear();
    }
    resume(state);
  }

  /** Whatever the state needs next: a ticket, a retry timer, or a watch on the running worker. */
  private void resume(JobState state) {
    if (state.status() == JobStatus.QUEUED) {
      long wait = state.notBefore() - now();
      if (wait > 0) timers.startSingleTimer(ENQUEUE_TIMER, new EnqueueDue(state.attempt()), Duration.ofMillis(wait));
      else if (enqueued != state.attempt() && sentAttempt != state.attempt()) sendTicket(state.attempt(), state.spec());
      unwatchWorker();
    } else if (state.status() == JobStatus.RUNNING) {
      timers.cancel(ENQUEUE_TIMER);
      watchWorker(state);
    } else {
      timers.cancel(ENQUEUE_TIMER);
      unwatchWorker();
    }
  }

  private ReplyEffect<JobEvent, JobState> enqueueIfDue(JobState state, int attempt) {
    if (state.status() == JobStatus.QUEUED && state.attempt() == attempt) {
      if (state.notBefore() > now()) resume(state);
      else if (enqueued != attempt) sendTicket(attempt, state.spec());
    }
    return Effect().noReply();
  }

  /** At-least-once into the dispatcher: re-sent until acknowledged (the dispatcher drops duplicates). */
  private void sendTicket(int attempt, JobSpec spec) {
    sentAttempt = attempt;
    dispatcher.tell(new JobDispatcher.Enqueue(new JobTicket(jobId, attempt, spec), ctx.getSelf()));
    timers.startSingleTimer(ENQUEUE_TIMER, new EnqueueDue(attempt), settings.enqueueRetry());
  }

  /**
   * Deathwatch on the worker: its node crashing or leaving turns into {@link WorkerLost}. Pekko only
   * watches actors on cluster members, so a worker whose node is not a member (a previous incarnation
   * after a crash, often on another address) is lost at once; a reference from a previous incarnation
   * of this very address resolves to a dead actor and fires at once too.
   */
  private void watchWorker(JobState state) {
    if (watchedAttempt == state.attempt() || state.worker().isEmpty()) return;
    // A retry often runs on the same worker: Pekko refuses a second watch of it with another message.
    unwatchWorker();
    watchedAttempt = state.attempt();
    ActorRef<Object> worker = ActorRefResolver.get(ctx.getSystem()).resolveActorRef(state.worker());
    Address address = worker.path().address();
    if (address.hasGlobalScope() && !isClusterMember(address)) {
      ctx.getSelf().tell(new WorkerLost(state.attempt()));
      return;
    }
    watchedWorker = worker;
    ctx.watchWith(worker, new WorkerLost(state.attempt()));
  }

  private void unwatchWorker() {
    if (watchedWorker != null) ctx.unwatch(watchedWorker);
    watchedWorker = null;
    watchedAttempt = 0;
  }

  private boolean isClusterMember(Address address) {
    if (!(ctx.getSystem().classicSystem().provider() instanceof org.apache.pekko.cluster.ClusterActorRefProvider)) return true;
    for (Member m : Cluster.get(ctx.getSystem()).state().getMembers())
      if (m.address().equals(address) && (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()
          || m.status() == MemberStatus.joining())) return true;
    return false;
  }

  // ---- events ----

  @Override
  public EventHandler<JobState, JobEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(JobState::apply);
  }

  @Override
  public SignalHandler<JobState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (state.exists()) resume(state);
        })
        .build();
  }

  private static JobReply notFound() {
    return JobReply.error(JobError.Kind.NOT_FOUND, "no such job");
  }

  private static StartReply skip(int attempt, JobState state, String reason) {
    return new StartReply(false, state == null ? "" : state.jobId(), attempt, null, reason);
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}

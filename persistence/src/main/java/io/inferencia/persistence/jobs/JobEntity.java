package io.inferencia.persistence.jobs;

import io.inferencia.protocols.tracing.Tracing;
import kamon.trace.Span;

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
import io.inferencia.protocols.jobs.JobCommand.RunCheckTimedOut;
import io.inferencia.protocols.jobs.JobCommand.RunChecked;
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
import io.inferencia.protocols.jobs.RunCheck;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
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
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One job, sharded and event-sourced: the single writer of its status. It accepts the submission,
 * hands a ticket to the {@link JobDispatcher} until acknowledged, lets exactly one worker run each
 * attempt (watching it, and asking it when the sweeper wakes the job, so a lost or abandoned run
 * becomes a retry), schedules retries with backoff, and pushes every transition to its watchers.
 * Commands are handled per status (absent, queued, running, finished), then alike for all. The journal is the durable queue: after a crash, recovery (woken by
 * the {@link JobSweeper} or any command) puts the job back on its way.
 */
public final class JobEntity extends EventSourcedBehaviorWithEnforcedReplies<JobCommand, JobEvent, JobState> {
  public static final EntityTypeKey<JobCommand> ENTITY_KEY = EntityTypeKey.create(JobCommand.class, "Job");
  /** Events are tagged over this many slices; one read-side projection instance runs per slice. */
  public static final int TAG_SLICES = 4;
  private static final String ENQUEUE_TIMER = "enqueue";
  private static final String RUN_CHECK_TIMER = "run-check";

  private final String jobId;
  private final JobSettings settings;
  private final ActorRef<JobDispatcher.Command> dispatcher;
  private final ResultDiscarder results;
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

  /**
   * Registers the entity with sharding on this node; {@code dispatcher} is the singleton's proxy,
   * {@code results} deletes the results of attempts that do not count.
   */
  public static void init(org.apache.pekko.actor.typed.ActorSystem<?> system, JobSettings settings,
      ActorRef<JobDispatcher.Command> dispatcher, ResultDiscarder results) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ec -> create(ec.getEntityId(), settings, dispatcher, results))
        .withStopMessage(JobCommand.Passivate.INSTANCE));
  }

  public static Behavior<JobCommand> create(String jobId, JobSettings settings, ActorRef<JobDispatcher.Command> dispatcher,
      ResultDiscarder results) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new JobEntity(jobId, settings, dispatcher, results, ctx, timers)));
  }

  public static PersistenceId persistenceId(String jobId) {
    return PersistenceId.of(ENTITY_KEY.name(), jobId);
  }

  public static String tag(String jobId) {
    return "jobs-" + Math.floorMod(jobId.hashCode(), TAG_SLICES);
  }

  private JobEntity(String jobId, JobSettings settings, ActorRef<JobDispatcher.Command> dispatcher,
      ResultDiscarder results, ActorContext<JobCommand> ctx, TimerScheduler<JobCommand> timers) {
    // A journal outage restarts the entity with backoff instead of stopping it for good; capped at 2 s
    // so that the entity is back within moments of the database.
    super(persistenceId(jobId), SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.2));
    this.jobId = jobId;
    this.settings = settings;
    this.dispatcher = dispatcher;
    this.results = results;
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

  // ---- commands: one handler per status, tried in this order ----

  @Override
  public CommandHandlerWithReply<JobCommand, JobEvent, JobState> commandHandler() {
    return absent().orElse(queued()).orElse(running()).orElse(finished()).orElse(anyStatus()).build();
  }

  /** No JobSubmitted yet: only a submission creates the job. */
  private CommandHandlerWithReplyBuilderByState<JobCommand, JobEvent, JobState, JobState> absent() {
    return CommandHandlerWithReplyBuilderByState.<JobCommand, JobEvent, JobState>builder(s -> !s.exists())
        .onCommand(Submit.class, this::submit)
        .onCommand(Get.class, c -> replyNotFound(c.replyTo()))
        .onCommand(Cancel.class, c -> replyNotFound(c.replyTo()))
        .onCommand(Watch.class, this::nothingToWatch)
        .onCommand(Start.class, this::refuseUnknownStart)
        .onCommand(Complete.class, c -> refuseUnknownReport(c.replyTo()))
        .onCommand(Fail.class, c -> refuseUnknownReport(c.replyTo()));
  }

  private CommandHandlerWithReplyBuilderByState<JobCommand, JobEvent, JobState, JobState> queued() {
    return CommandHandlerWithReplyBuilderByState.<JobCommand, JobEvent, JobState>builder(s -> s.status() == JobStatus.QUEUED)
        .onCommand(Start.class, this::start)
        .onCommand(Cancel.class, this::cancel)
        .onCommand(Complete.class, this::refuseStaleComplete)
        .onCommand(Fail.class, this::refuseStaleFail)
        .onCommand(Enqueued.class, this::enqueued)
        .onCommand(EnqueueDue.class, this::enqueueIfDue)
        .onCommand(JobCommand.Wake.class, this::wakeQueued);
  }

  private CommandHandlerWithReplyBuilderByState<JobCommand, JobEvent, JobState, JobState> running() {
    return CommandHandlerWithReplyBuilderByState.<JobCommand, JobEvent, JobState>builder(s -> s.status() == JobStatus.RUNNING)
        .onCommand(Start.class, this::startAgain)
        .onCommand(Cancel.class, this::cancel)
        .onCommand(Complete.class, this::complete)
        .onCommand(Fail.class, this::fail)
        .onCommand(JobCommand.Progress.class, this::progress)
        .onCommand(WorkerLost.class, this::workerLost)
        .onCommand(JobCommand.Wake.class, this::checkRun)
        .onCommand(RunChecked.class, this::runChecked)
        .onCommand(RunCheckTimedOut.class, this::runCheckTimedOut);
  }

  private CommandHandlerWithReplyBuilderByState<JobCommand, JobEvent, JobState, JobState> finished() {
    return CommandHandlerWithReplyBuilderByState.<JobCommand, JobEvent, JobState>builder(JobState::isTerminal)
        .onCommand(Start.class, this::refuseStart)
        .onCommand(Cancel.class, this::refuseCancel)
        .onCommand(Complete.class, this::completeWhenFinished)
        .onCommand(Fail.class, this::refuseStaleFail)
        .onCommand(WorkerLost.class, this::discardLostRun);
  }

  /** What every status answers alike; anything else (a late timer, a stale acknowledgement) is ignored. */
  private CommandHandlerWithReplyBuilderByState<JobCommand, JobEvent, JobState, JobState> anyStatus() {
    return CommandHandlerWithReplyBuilderByState.<JobCommand, JobEvent, JobState>builder(s -> true)
        .onCommand(Submit.class, this::resubmit)
        .onCommand(Get.class, this::get)
        .onCommand(Watch.class, this::watch)
        .onCommand(Unwatch.class, c -> unwatch(c.subscriber()))
        .onCommand(WatcherGone.class, c -> unwatch(c.subscriber()))
        .onCommand(JobCommand.Passivate.class, this::passivate)
        .onCommand(JobCommand.class, c -> Effect().noReply());
  }

  // ---- absent ----

  /**
   * The ticket leaves before JobSubmitted is stored, so a worker picks the job up while the write is
   * under way (a millisecond or more of a small job's latency). It is safe: Start is stashed until the
   * write completes and refused if it failed, and nothing leaves a worker before Start's go-ahead.
   */
  private ReplyEffect<JobEvent, JobState> submit(JobState state, Submit c) {
    // The job's span (accepted until journaled) is what the worker's attempts are children of.
    Span span = Tracing.internal("job.submit", "jobs", c.spec().traceparent());
    span.tag("job.id", jobId);
    span.tag("job.task", c.spec().task());
    span.tag("tenant", c.spec().tenant());
    JobSpec spec = span.isEmpty() ? c.spec() : c.spec().withTraceparent(Tracing.traceparent(span));
    sendTicket(1, spec);
    return Effect().persist(new JobEvent.JobSubmitted(jobId, spec, now()))
        .thenRun((JobState s) -> {
          span.finish();
          afterPersist(s);
        })
        .thenReply(c.replyTo(), s -> JobReply.of(s.view()));
  }

  private ReplyEffect<JobEvent, JobState> replyNotFound(ActorRef<JobReply> replyTo) {
    return Effect().reply(replyTo, JobReply.error(JobError.Kind.NOT_FOUND, "no such job"));
  }

  private ReplyEffect<JobEvent, JobState> nothingToWatch(Watch c) {
    return Effect().reply(c.subscriber(), WatchUpdate.gone());
  }

  private ReplyEffect<JobEvent, JobState> refuseUnknownStart(Start c) {
    return Effect().reply(c.replyTo(), skip(c.attempt(), null, "unknown job"));
  }

  private ReplyEffect<JobEvent, JobState> refuseUnknownReport(ActorRef<Ack> replyTo) {
    return Effect().reply(replyTo, new Ack(false, false, "unknown job"));
  }

  // ---- any status ----

  /** Idempotent submission: the same request gets the same job, a different one with the same key is refused. */
  private ReplyEffect<JobEvent, JobState> resubmit(JobState state, Submit c) {
    if (!state.spec().fingerprint().equals(c.spec().fingerprint()) || !state.spec().tenant().equals(c.spec().tenant()))
      return Effect().reply(c.replyTo(), JobReply.error(JobError.Kind.CONFLICT,
          "the Idempotency-Key was already used for a different request (job " + jobId + ")"));
    return Effect().reply(c.replyTo(), JobReply.of(state.view()));
  }

  private ReplyEffect<JobEvent, JobState> get(JobState state, Get c) {
    return Effect().reply(c.replyTo(), JobReply.of(state.view()));
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

  private ReplyEffect<JobEvent, JobState> passivate(JobCommand.Passivate c) {
    watchers.forEach(w -> w.tell(WatchUpdate.suspendedUpdate()));
    return Effect().stop().thenNoReply();
  }

  // ---- queued ----

  private ReplyEffect<JobEvent, JobState> start(JobState state, Start c) {
    if (c.attempt() != state.attempt())
      return Effect().reply(c.replyTo(), skip(c.attempt(), state, "attempt " + c.attempt() + " is stale (now " + state.attempt() + ")"));
    if (state.notBefore() > now())
      return Effect().reply(c.replyTo(), skip(c.attempt(), state, "retry not due yet"));
    String worker = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(c.worker());
    return Effect().persist(new JobEvent.JobStarted(c.attempt(), worker, c.node(), c.run(), now()))
        .thenRun((JobState s) -> afterPersist(s))
        .thenReply(c.replyTo(), s -> new StartReply(true, jobId, s.attempt(), s.spec(), ""));
  }

  private ReplyEffect<JobEvent, JobState> cancel(JobState state, Cancel c) {
    return Effect().persist(new JobEvent.JobCancelled(c.reason(), now()))
        .thenRun((JobState s) -> {
          // A ticket still waiting would cost a worker a speculative read and inference for nothing.
          if (state.status() == JobStatus.QUEUED) dispatcher.tell(new JobDispatcher.Withdraw(jobId));
          afterPersist(s);
        })
        .thenReply(c.replyTo(), s -> JobReply.of(s.view()));
  }

  /** An earlier attempt reports success: its result is not the one that counts, so it goes. */
  private ReplyEffect<JobEvent, JobState> refuseStaleComplete(JobState state, Complete c) {
    return Effect().reply(c.replyTo(), new Ack(false, true, "attempt " + c.attempt() + " is not the running one"));
  }

  private ReplyEffect<JobEvent, JobState> refuseStaleFail(JobState state, Fail c) {
    return Effect().reply(c.replyTo(), new Ack(false, false, "attempt " + c.attempt() + " is not the running one"));
  }

  private ReplyEffect<JobEvent, JobState> enqueued(JobState state, Enqueued c) {
    if (c.attempt() == state.attempt()) {
      enqueued = c.attempt();
      timers.cancel(ENQUEUE_TIMER);
    }
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, JobState> enqueueIfDue(JobState state, EnqueueDue c) {
    if (state.attempt() == c.attempt()) {
      if (state.notBefore() > now()) resume(state);
      else if (enqueued != c.attempt()) sendTicket(c.attempt(), state.spec());
    }
    return Effect().noReply();
  }

  /** The sweeper saw no progress for a while: the ticket may be lost, so it goes again (or the timer is re-armed). */
  private ReplyEffect<JobEvent, JobState> wakeQueued(JobState state, JobCommand.Wake c) {
    enqueued = 0;
    sentAttempt = 0;
    resume(state);
    return Effect().noReply();
  }

  // ---- running ----

  /** The run that already has the go-ahead asks again when its reply was lost: answer it again. */
  private ReplyEffect<JobEvent, JobState> startAgain(JobState state, Start c) {
    if (c.attempt() == state.attempt() && !state.run().isEmpty() && state.run().equals(c.run()))
      return Effect().reply(c.replyTo(), new StartReply(true, jobId, state.attempt(), state.spec(), ""));
    return Effect().reply(c.replyTo(), skip(c.attempt(), state, "job is RUNNING"));
  }

  /**
   * The running attempt's progress, kept at most once a second (a worker reports no more often, but a
   * retried report or two workers must not flood the journal); another attempt's is stale.
   */
  private ReplyEffect<JobEvent, JobState> progress(JobState state, JobCommand.Progress c) {
    long now = now();
    boolean recent = state.progress() != null && now - state.updatedAt() < PROGRESS_INTERVAL_MS;
    if (c.attempt() != state.attempt() || recent) return Effect().noReply();
    return Effect().persist(new JobEvent.JobProgressed(c.attempt(), c.bytesDone(), c.bytesTotal(), now))
        .thenRun((JobState s) -> afterPersist(s))
        .thenNoReply();
  }

  private static final long PROGRESS_INTERVAL_MS = 1000;

  /** The result of the running attempt is accepted; any other attempt's result is not the published one. */
  private ReplyEffect<JobEvent, JobState> complete(JobState state, Complete c) {
    if (c.attempt() != state.attempt()) return refuseStaleComplete(state, c);
    return Effect().persist(new JobEvent.JobSucceeded(c.attempt(), c.output(), c.timings(), now()))
        .thenRun((JobState s) -> afterPersist(s))
        .thenReply(c.replyTo(), s -> new Ack(true, false, ""));
  }

  private ReplyEffect<JobEvent, JobState> fail(JobState state, Fail c) {
    if (c.attempt() != state.attempt()) return refuseStaleFail(state, c);
    return Effect().persist(c.waiting() ? waitingEvent(state, c.reason()) : failureEvent(state, c.reason(), c.retryable()))
        .thenRun((JobState s) -> afterPersist(s))
        .thenReply(c.replyTo(), s -> new Ack(true, false, ""));
  }

  /** A run's worker died: the attempt counts as a transient failure. */
  private ReplyEffect<JobEvent, JobState> workerLost(JobState state, WorkerLost c) {
    if (c.attempt() != state.attempt()) return Effect().noReply();
    return retryLostRun(state, "the worker running attempt " + c.attempt() + " was lost");
  }

  /**
   * The sweeper saw no progress for a while: ask the worker whether the run still executes. A run
   * that is still working is left alone however long it takes; one its worker gave up on (its Start
   * or its reports never got through) is retried at once.
   */
  private ReplyEffect<JobEvent, JobState> checkRun(JobState state, JobCommand.Wake c) {
    resume(state);
    if (watchedWorker != null) {
      watchedWorker.tell(new RunCheck(jobId, state.attempt(), state.run(), ctx.getSelf()));
      timers.startSingleTimer(RUN_CHECK_TIMER, new RunCheckTimedOut(state.attempt()), settings.askTimeout());
    }
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, JobState> runChecked(JobState state, RunChecked c) {
    if (c.attempt() != state.attempt() || !c.run().equals(state.run())) return Effect().noReply();
    timers.cancel(RUN_CHECK_TIMER);
    if (c.running()) return Effect().noReply();
    return retryLostRun(state, "the worker no longer runs attempt " + c.attempt());
  }

  /** A worker that does not answer (an older version, or overloaded) is trusted until the run timeout. */
  private ReplyEffect<JobEvent, JobState> runCheckTimedOut(JobState state, RunCheckTimedOut c) {
    if (c.attempt() != state.attempt() || now() - state.updatedAt() <= settings.runTimeout().toMillis())
      return Effect().noReply();
    return retryLostRun(state, "attempt " + state.attempt() + " ran longer than " + settings.runTimeout().toMinutes()
        + " min without its worker answering");
  }

  private ReplyEffect<JobEvent, JobState> retryLostRun(JobState state, String reason) {
    ctx.getLog().warn("Job {}: {}", jobId, reason);
    return Effect().persist(failureEvent(state, reason, true)).thenRun((JobState s) -> afterPersist(s)).thenNoReply();
  }

  /**
   * A dependency (object storage) is down: try again later, with backoff up to the maximum, for as long
   * as it takes; the attempt does not count against the limit, so an outage fails no job.
   */
  private JobEvent waitingEvent(JobState state, String reason) {
    long now = now();
    return new JobEvent.JobRetryScheduled(state.attempt() + 1, now + settings.backoff(state.waits() + 1).toMillis(),
        "waiting for a dependency: " + reason, now, true);
  }

  private JobEvent failureEvent(JobState state, String reason, boolean retryable) {
    long now = now();
    if (retryable && state.countedAttempts() < settings.maxAttempts()) {
      int next = state.attempt() + 1;
      return new JobEvent.JobRetryScheduled(next, now + settings.backoff(next).toMillis(), reason, now);
    }
    String why = retryable ? reason + " (gave up after " + state.countedAttempts() + " attempts)" : reason;
    return new JobEvent.JobFailed(state.attempt(), why, now);
  }

  // ---- finished ----

  private ReplyEffect<JobEvent, JobState> refuseStart(JobState state, Start c) {
    return Effect().reply(c.replyTo(), skip(c.attempt(), state, "job is " + state.status()));
  }

  private ReplyEffect<JobEvent, JobState> refuseCancel(JobState state, Cancel c) {
    return Effect().reply(c.replyTo(), JobReply.error(JobError.Kind.FINISHED,
        "job " + jobId + " has already finished (" + state.status() + ")"));
  }

  /**
   * The accepted attempt asking again (its acknowledgement was lost) is told it was accepted; any
   * other result is discarded: the job was cancelled, or another attempt's result is the published one.
   */
  private ReplyEffect<JobEvent, JobState> completeWhenFinished(JobState state, Complete c) {
    if (state.status() == JobStatus.SUCCEEDED && c.attempt() == state.attempt() && c.output().equals(state.output()))
      return Effect().reply(c.replyTo(), new Ack(true, false, ""));
    String reason = state.status() == JobStatus.CANCELLED ? "job was cancelled; its result is discarded"
        : "attempt " + c.attempt() + " is not the one that counts (job is " + state.status() + ")";
    return Effect().reply(c.replyTo(), new Ack(false, true, reason));
  }

  /** The run of a job cancelled while running died: whatever it wrote before dying goes. */
  private ReplyEffect<JobEvent, JobState> discardLostRun(JobState state, WorkerLost c) {
    if (state.status() == JobStatus.CANCELLED) results.discard(jobId, List.of(c.attempt()));
    return Effect().noReply();
  }

  // ---- side effects after each event, and after recovery ----

  private void afterPersist(JobState state) {
    JobTransition last = state.history().get(state.history().size() - 1);
    WatchUpdate update = WatchUpdate.of(last);
    watchers.forEach(w -> w.tell(update));
    if (state.isTerminal()) {
      watchers.forEach(ctx::unwatch);
      watchers.clear();
      discardUncountedResults(state);
    }
    resume(state);
  }

  /**
   * Results that runs wrote but that do not count: every attempt's but the accepted one. They exist
   * when a run was lost between writing and reporting, or the job was cancelled meanwhile.
   */
  private void discardUncountedResults(JobState state) {
    if (state.startedRuns() == 0) return;
    int last = state.status() == JobStatus.SUCCEEDED ? state.attempt() - 1 : state.attempt();
    List<Integer> attempts = IntStream.rangeClosed(1, last).boxed().toList();
    if (!attempts.isEmpty()) results.discard(jobId, attempts);
  }

  /** Whatever the state needs next: a ticket, a retry timer, or a watch on the running worker. */
  private void resume(JobState state) {
    if (state.status() == JobStatus.QUEUED) {
      long wait = state.notBefore() - now();
      if (wait > 0) timers.startSingleTimer(ENQUEUE_TIMER, new EnqueueDue(state.attempt()), Duration.ofMillis(wait));
      else if (enqueued != state.attempt() && sentAttempt != state.attempt()) sendTicket(state.attempt(), state.spec());
      timers.cancel(RUN_CHECK_TIMER);
      unwatchWorker();
    } else if (state.status() == JobStatus.RUNNING) {
      timers.cancel(ENQUEUE_TIMER);
      watchWorker(state);
    } else {
      timers.cancel(ENQUEUE_TIMER);
      timers.cancel(RUN_CHECK_TIMER);
      // A run of a cancelled job stays watched: if it dies, what it may have written is discarded.
      if (state.status() != JobStatus.CANCELLED) unwatchWorker();
    }
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

  private static StartReply skip(int attempt, JobState state, String reason) {
    return new StartReply(false, state == null ? "" : state.jobId(), attempt, null, reason);
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}

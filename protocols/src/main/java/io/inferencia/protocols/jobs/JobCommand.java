package io.inferencia.protocols.jobs;

import io.inferencia.protocols.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a job entity understands. The first group comes from the edges (API), the second from the
 * workers and the sweeper, the last group only from the entity itself (timers, deathwatch, acks).
 */
public sealed interface JobCommand extends CborSerializable {

  // ---- from the edges ----

  /** Accept a validated job. A repeated submit (same id) with the same fingerprint answers the job as it is. */
  record Submit(JobSpec spec, ActorRef<JobReply> replyTo) implements JobCommand {}

  record Get(ActorRef<JobReply> replyTo) implements JobCommand {}

  /** Queued: it never runs. Running: its result is discarded. Finished: CONFLICT. */
  record Cancel(String reason, ActorRef<JobReply> replyTo) implements JobCommand {}

  /**
   * Sends {@code subscriber} every transition after {@code afterSeqNr}, then each new one as it is
   * persisted; the last update of a finished job has {@code terminal = true}.
   */
  record Watch(long afterSeqNr, ActorRef<WatchUpdate> subscriber) implements JobCommand {}

  record Unwatch(ActorRef<WatchUpdate> subscriber) implements JobCommand {}

  // ---- from workers and the sweeper ----

  /**
   * A worker asks for the go-ahead to run attempt {@code attempt}; {@code worker} is watched while it runs and
   * answers {@link RunCheck}s. {@code run} names the run: the same run asking again (its reply was lost) gets
   * the go-ahead again, any other run of a started attempt is refused.
   */
  record Start(int attempt, ActorRef<?> worker, String node, String run, ActorRef<StartReply> replyTo) implements JobCommand {}

  record Complete(int attempt, String output, JobTimings timings, ActorRef<Ack> replyTo) implements JobCommand {}

  /** From the worker, without reply: the running attempt's progress; a lost one is followed by the next. */
  record Progress(int attempt, long bytesDone, long bytesTotal) implements JobCommand {}

  /**
   * {@code retryable}: a transient failure (storage 5xx, timeouts, full queues) that another attempt may fix.
   * {@code waiting}: the failure is an outage of what the job depends on (object storage down): the job
   * waits for it to come back, and the attempt does not count against the attempt limit.
   */
  record Fail(int attempt, String reason, boolean retryable, boolean waiting, ActorRef<Ack> replyTo) implements JobCommand {
    public Fail(int attempt, String reason, boolean retryable, ActorRef<Ack> replyTo) {
      this(attempt, reason, retryable, false, replyTo);
    }
  }

  /** From the sweeper: re-check that this unfinished job is on its way (enqueued, timed, or still running). */
  enum Wake implements JobCommand { INSTANCE }

  /** A worker's answer to a {@link RunCheck}: whether run {@code run} of attempt {@code attempt} still executes. */
  record RunChecked(int attempt, String run, boolean running) implements JobCommand {}

  // ---- internal: sent by the entity to itself or by the dispatcher it enqueued with ----

  /** The dispatcher holds the ticket for {@code attempt}. */
  record Enqueued(int attempt) implements JobCommand {}

  /** Time to (re)send the ticket of {@code attempt} to the dispatcher. */
  record EnqueueDue(int attempt) implements JobCommand {}

  /** The worker running attempt {@code attempt} stopped (its node left or crashed). */
  record WorkerLost(int attempt) implements JobCommand {}

  /** The worker did not answer the run check of {@code attempt} in time. */
  record RunCheckTimedOut(int attempt) implements JobCommand {}

  /** A subscriber stopped without unwatching (its stream ended). */
  record WatcherGone(ActorRef<WatchUpdate> subscriber) implements JobCommand {}

  /** Sharding's stop message: tell subscribers to resubscribe, then stop. */
  enum Passivate implements JobCommand { INSTANCE }

  // ---- replies ----

  /** Exactly one of view and error is set. */
  record JobReply(JobView view, JobError error) implements CborSerializable {
    public static JobReply of(JobView view) {
      return new JobReply(view, null);
    }

    public static JobReply error(JobError.Kind kind, String message) {
      return new JobReply(null, new JobError(kind, message));
    }
  }

  record JobError(Kind kind, String message) implements CborSerializable {
    /** CONFLICT: an idempotency key reused with another request; FINISHED: the job can no longer change. */
    public enum Kind { NOT_FOUND, CONFLICT, FINISHED }
  }

  /** {@code go}: run {@code spec} as attempt {@code attempt}; otherwise skip the ticket ({@code reason}). */
  record StartReply(boolean go, String jobId, int attempt, JobSpec spec, String reason) implements CborSerializable {}

  /**
   * {@code accepted}: recorded. Otherwise {@code discard} tells the worker to delete the result it wrote:
   * the job was cancelled, or the attempt is not the one that counts (its result is never published).
   */
  record Ack(boolean accepted, boolean discard, String reason) implements CborSerializable {}

  /** A watch update: a transition, or {@code suspended} when the entity stops and the watch must be renewed. */
  record WatchUpdate(JobTransition transition, boolean terminal, boolean suspended) implements CborSerializable {
    public static WatchUpdate of(JobTransition t) {
      return new WatchUpdate(t, t.status().isTerminal(), false);
    }

    public static WatchUpdate suspendedUpdate() {
      return new WatchUpdate(null, false, true);
    }

    /** The job does not exist: nothing to watch. */
    public static WatchUpdate gone() {
      return new WatchUpdate(null, true, false);
    }
  }
}

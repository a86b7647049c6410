package io.inferencia.persistence.jobs;

import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobCommand.WatchUpdate;
import io.inferencia.protocols.jobs.JobTransition;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * One watch of one job, feeding a stream: subscribes to the entity, passes transitions on in order
 * (dropping any it already passed, by sequence number), renews the subscription when the entity
 * stops or moves, and ends the stream after the job's last transition. Stops when the stream's
 * consumer goes away.
 *
 * <p>The subscription is also renewed every few seconds: an entity that restarted (a journal outage)
 * or was re-created on another node after a crash has forgotten its watchers, and the renewal replays
 * whatever happened meanwhile from the job's history.
 */
final class JobWatcher {
  private static final Duration RESUBSCRIBE_DELAY = Duration.ofMillis(200);
  private static final Duration RENEW_EVERY = Duration.ofSeconds(5);

  private JobWatcher() {}

  sealed interface Event extends NoSerializationVerificationNeeded {}

  /** What the stream receives: a transition, or the end. */
  private record Emit(JobTransition transition) implements Event {}

  private enum End implements Event { INSTANCE }

  private enum Resubscribe implements NoSerializationVerificationNeeded { INSTANCE }

  static Source<JobTransition, NotUsed> source(ActorSystem<?> system, EntityRef<JobCommand> job, long afterSeqNr) {
    Source<Event, ActorRef<Event>> events = ActorSource.actorRef(
        e -> e == End.INSTANCE, e -> Optional.empty(), 256, OverflowStrategy.fail());
    return events
        .mapMaterializedValue(stream -> {
          system.systemActorOf(watcher(job, afterSeqNr, stream), "job-watch-" + UUID.randomUUID(), Props.empty());
          return NotUsed.getInstance();
        })
        .map(e -> ((Emit) e).transition());
  }

  private static Behavior<Object> watcher(EntityRef<JobCommand> job, long afterSeqNr, ActorRef<Event> stream) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ActorRef<WatchUpdate> self = ctx.messageAdapter(WatchUpdate.class, u -> u);
      ctx.watch(stream);
      long[] last = {afterSeqNr};
      job.tell(new JobCommand.Watch(afterSeqNr, self));
      timers.startTimerWithFixedDelay("renew", Resubscribe.INSTANCE, RENEW_EVERY);
      return Behaviors.receive(Object.class)
          .onMessage(WatchUpdate.class, u -> {
            if (u.suspended()) {
              timers.startSingleTimer(Resubscribe.INSTANCE, RESUBSCRIBE_DELAY);
              return Behaviors.same();
            }
            if (u.transition() != null && u.transition().seqNr() > last[0]) {
              last[0] = u.transition().seqNr();
              stream.tell(new Emit(u.transition()));
            }
            if (u.terminal()) {
              stream.tell(End.INSTANCE);
              return Behaviors.stopped();
            }
            return Behaviors.same();
          })
          .onMessageEquals(Resubscribe.INSTANCE, () -> {
            job.tell(new JobCommand.Watch(last[0], self));
            return Behaviors.same();
          })
          .onSignal(org.apache.pekko.actor.typed.Terminated.class, t -> {
            job.tell(new JobCommand.Unwatch(self));
            return Behaviors.stopped();
          })
          .build();
    }));
  }
}

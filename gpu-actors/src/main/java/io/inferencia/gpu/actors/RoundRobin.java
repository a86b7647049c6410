package io.inferencia.gpu.actors;

import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Spreads a version's requests over its devices' batchers; only versions placed on several devices have one. */
final class RoundRobin {
  private RoundRobin() {}

  /** {@link Enqueue}, or {@link Drain}. */
  interface Command {}

  /**
   * Drains the batchers behind it once every request it holds was passed on (the drain follows them
   * through this mailbox, so none is refused), then stops.
   */
  enum Drain implements Command, NoSerializationVerificationNeeded { INSTANCE }

  static Behavior<Command> create(List<ActorRef<ModelBatcher.Command>> targets) {
    List<ActorRef<ModelBatcher.Command>> all = List.copyOf(targets);
    int[] next = {0};
    return Behaviors.receive(Command.class)
        .onMessage(Enqueue.class, msg -> {
          next[0] = (next[0] + 1) % all.size();
          all.get(next[0]).tell(msg);
          return Behaviors.same();
        })
        .onMessageEquals(Drain.INSTANCE, () -> {
          all.forEach(b -> b.tell(ModelBatcher.Drain.INSTANCE));
          return Behaviors.stopped();
        })
        .build();
  }
}

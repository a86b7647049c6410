package io.inferencia.gpu.sequence;

import io.inferencia.gpu.actors.Enqueue;
import io.inferencia.gpu.actors.InferResult;
import io.inferencia.gpu.batching.RequestValidator;
import io.inferencia.gpu.stats.VersionStatistics;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Triton's sequence batcher for one model version. Each sequence runs one request at a time, in
 * arrival order, so its implicit state flows from one request to the next; requests of different
 * sequences meet in the version's batchers and batch together there (the strategy's batching settings
 * are the batchers' dynamic batching, see {@link SequencePlan#batcherConfig()}). A sequence starts with
 * a request flagged sequence_start, ends after one flagged sequence_end, and is forgotten, state and
 * all, once idle longer than max_sequence_idle_microseconds. With oldest's max_candidate_sequences,
 * at most that many sequences have a request running; the others wait their turn in arrival order.
 */
public final class SequenceScheduler extends AbstractBehavior<SequenceScheduler.Command> {
  /** {@link Enqueue} (a client request) and the scheduler's own, local messages. */
  public interface Command {}

  private sealed interface Local extends Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  /**
   * The version is going away: waiting requests are answered UNAVAILABLE; running ones are answered
   * as their batchers (draining) answer them, then the scheduler stops.
   */
  public enum Stop implements Local { INSTANCE }

  private record StepDone(SequenceId id, InferResult reply) implements Local {}

  private enum Sweep implements Local { INSTANCE }

  private record Queued(InferRequest request, boolean start, boolean end, ActorRef<InferResult> replyTo,
      long queuedNanos) {}

  private static final class Sequence {
    Map<String, Tensor> state;
    final Deque<Queued> waiting = new ArrayDeque<>();
    Queued running;
    long idleSinceNanos = System.nanoTime();
  }

  private final SequencePlan plan;
  private final ActorRef<Enqueue> batchers;
  /** The batchers always answer (result, rejection or drain); this only bounds a reply lost with one. */
  private final Duration stepTimeout;
  private final VersionStatistics statistics;
  private final Map<SequenceId, Sequence> sequences = new HashMap<>();
  /** Sequences with a request waiting for a free place under max_candidate_sequences, oldest first. */
  private final Set<SequenceId> backlog = new LinkedHashSet<>();
  private int runningCount;
  private boolean stopping;

  /**
   * @param batchers where the steps (client inputs plus control and state tensors) are batched
   */
  public static Behavior<Command> create(SequencePlan plan, ActorRef<Enqueue> batchers,
      Duration stepTimeout, VersionStatistics statistics) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      // Often enough that a sequence outlives its idle limit by at most half of it (or a second).
      long every = Math.max(1, Math.min(plan.idleTimeout().toMillis() / 2, 1000));
      timers.startTimerWithFixedDelay(Sweep.INSTANCE, Duration.ofMillis(every));
      return new SequenceScheduler(ctx, plan, batchers, stepTimeout, statistics);
    }));
  }

  private SequenceScheduler(ActorContext<Command> ctx, SequencePlan plan, ActorRef<Enqueue> batchers, Duration stepTimeout, VersionStatistics statistics) {
    super(ctx);
    this.plan = plan;
    this.batchers = batchers;
    this.stepTimeout = stepTimeout;
    this.statistics = statistics;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Enqueue.class, this::onEnqueue)
        .onMessage(StepDone.class, this::onStepDone)
        .onMessageEquals(Sweep.INSTANCE, this::onSweep)
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .build();
  }

  private Behavior<Command> onEnqueue(Enqueue msg) {
    InferRequest request = msg.request();
    try {
      if (stopping) throw InferenceException.unavailable("model '" + request.model() + "' is being unloaded");
      RequestValidator.validate(plan.clientConfig(), request);
      SequenceId id = SequenceId.of(request);
      boolean start = SequenceId.flag(request, SequenceId.START);
      boolean end = SequenceId.flag(request, SequenceId.END);
      Sequence seq = sequences.get(id);
      if (seq == null) {
        if (!start) throw missingStart(id, request);
        seq = new Sequence();
        sequences.put(id, seq);
      }
      seq.waiting.add(new Queued(request, start, end, msg.replyTo(), System.nanoTime()));
      if (seq.running == null) runOrWait(id, seq);
    } catch (InferenceException e) {
      statistics.failed(0);
      msg.replyTo().tell(InferResult.failed(e));
    }
    return this;
  }

  private void runOrWait(SequenceId id, Sequence seq) {
    int cap = plan.maxActiveSequences();
    if (cap > 0 && runningCount >= cap) backlog.add(id);
    else run(id, seq);
  }

  private void run(SequenceId id, Sequence seq) {
    Queued q = seq.waiting.poll();
    InferRequest step;
    try {
      if (q.start()) seq.state = plan.initialState();
      else if (seq.state == null) throw missingStart(id, q.request());
      InferRequest request = q.request();
      List<Tensor> inputs = new ArrayList<>(request.inputs());
      inputs.addAll(plan.controls(id, q.start(), q.end()));
      inputs.addAll(seq.state.values());
      step = new InferRequest(request.model(), request.version(), request.id(), inputs,
          plan.stepOutputs(request.requestedOutputs()), request.parameters(), request.timeoutMicros(),
          remainingClientTimeout(q), request.classifications(), request.traceparent());
    } catch (InferenceException e) {
      statistics.failed(0);
      q.replyTo().tell(InferResult.failed(e));
      afterStep(id, seq, q.end());
      return;
    }
    seq.running = q;
    runningCount++;
    getContext().ask(InferResult.class, batchers, stepTimeout,
        replyTo -> new Enqueue(step, replyTo),
        (reply, failure) -> new StepDone(id, failure == null ? reply : InferResult.failed(failure)));
  }

  /** The client's deadline less the time spent behind the sequence's earlier requests. */
  private static long remainingClientTimeout(Queued q) {
    long timeout = q.request().clientTimeoutMicros();
    if (timeout == 0) return 0;
    long left = timeout - (System.nanoTime() - q.queuedNanos()) / 1000;
    if (left <= 0)
      throw new InferenceException(io.inferencia.protocols.inference.ErrorKind.DEADLINE_EXCEEDED,
          "the client's deadline passed while the request waited behind earlier requests of its sequence");
    return left;
  }

  private static InferenceException missingStart(SequenceId id, InferRequest request) {
    return InferenceException.invalid("inference request for sequence " + id.value() + " to model '" + request.model()
        + "' must specify the START flag on the first request of the sequence (or the sequence ended, or was idle"
        + " longer than max_sequence_idle_microseconds and was released)");
  }

  private Behavior<Command> onStepDone(StepDone msg) {
    Sequence seq = sequences.get(msg.id());
    if (seq == null || seq.running == null) return this;
    Queued q = seq.running;
    seq.running = null;
    runningCount--;
    InferResult reply = msg.reply();
    if (reply instanceof InferResult.Served served) {
      InferResponse r = served.response();
      try {
        seq.state = plan.nextState(r.outputs());
        reply = new InferResult.Served(new InferResponse(r.model(), r.version(), r.id(), plan.clientOutputs(r.outputs())));
      } catch (InferenceException e) {
        reply = InferResult.failed(e);
      }
    }
    // A failed request leaves the state as it was, so the client may retry it.
    q.replyTo().tell(reply);
    if (stopping) return runningCount == 0 ? Behaviors.stopped() : this;
    afterStep(msg.id(), seq, q.end());
    return this;
  }

  private Behavior<Command> onStop() {
    stopping = true;
    InferResult gone = InferResult.failed(
        InferenceException.unavailable("the model version was unloaded before the request ran"));
    for (Sequence seq : sequences.values()) {
      seq.waiting.forEach(q -> q.replyTo().tell(gone));
      seq.waiting.clear();
    }
    backlog.clear();
    return runningCount == 0 ? Behaviors.stopped() : this;
  }

  /** The sequence's next request, or its end; then a backlogged sequence may take the freed place. */
  private void afterStep(SequenceId id, Sequence seq, boolean ended) {
    if (ended) seq.state = null; // only a new START may follow
    if (!seq.waiting.isEmpty()) runOrWait(id, seq);
    else if (ended) sequences.remove(id);
    else seq.idleSinceNanos = System.nanoTime();
    var it = backlog.iterator();
    while (it.hasNext() && (plan.maxActiveSequences() == 0 || runningCount < plan.maxActiveSequences())) {
      SequenceId next = it.next();
      it.remove();
      Sequence s = sequences.get(next);
      if (s != null && s.running == null && !s.waiting.isEmpty()) run(next, s);
    }
  }

  private Behavior<Command> onSweep() {
    long limit = System.nanoTime() - plan.idleTimeout().toNanos();
    sequences.entrySet().removeIf(e -> e.getValue().running == null && e.getValue().waiting.isEmpty()
        && e.getValue().idleSinceNanos - limit < 0);
    return this;
  }
}

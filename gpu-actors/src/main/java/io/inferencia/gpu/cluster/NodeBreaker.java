package io.inferencia.gpu.cluster;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceErrors;
import io.inferencia.protocols.inference.InferenceException;
import java.time.Duration;
import kamon.Kamon;
import kamon.metric.Counter;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pekko {@link CircuitBreaker} around one gpu node as a remote inference backend, driven by the outcomes
 * of this edge's calls to it. A node that keeps failing (reachable, so the failure detector keeps it,
 * but answering INTERNAL or not at all) stops taking this edge's calls while the breaker is open: they
 * go to the other nodes instead of failing there too. Client errors (a bad tensor, an unknown model,
 * a full queue) and short client deadlines say nothing about the node and close the count.
 */
final class NodeBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(NodeBreaker.class);
  private static final Counter OPENED = Kamon.counter("inferencia.cluster.breaker.opened",
      "Times an edge's circuit breaker for a gpu node opened (the node kept failing calls)").withoutTags();

  /** For nodes whose calls are not guarded (tests of routing alone): never opens. */
  static final NodeBreaker NEVER_OPENS = new NodeBreaker(null, Duration.ZERO);

  private final CircuitBreaker breaker;
  private final Duration callTimeout;

  private NodeBreaker(CircuitBreaker breaker, Duration callTimeout) {
    this.breaker = breaker;
    this.callTimeout = callTimeout;
  }

  static NodeBreaker create(ActorSystem<?> system, RemoteBreakerSettings settings, Object node) {
    CircuitBreaker breaker = CircuitBreaker.create(system.classicSystem().scheduler(), settings.maxFailures(),
            settings.callTimeout(), settings.resetTimeout())
        .withExponentialBackoff(settings.maxResetTimeout());
    breaker.addOnOpenListener(() -> {
      OPENED.increment();
      LOG.warn("{} keeps failing calls: it takes none from this edge for a while (circuit breaker open)", node);
    });
    breaker.addOnCloseListener(() -> LOG.info("{} answers again (circuit breaker closed)", node));
    return new NodeBreaker(breaker, settings.callTimeout());
  }

  /** Whether a new call may go to the node (closed, or half-open: trial calls). */
  boolean admits() {
    return breaker == null || !breaker.isOpen();
  }

  /** Records a call's outcome; {@code windowNanos} is the time the call had to answer. */
  void answered(Throwable error, long windowNanos) {
    if (breaker == null) return;
    if (error == null || !countsAgainstTheNode(error, windowNanos)) breaker.succeed();
    else breaker.fail();
  }

  private boolean countsAgainstTheNode(Throwable error, long windowNanos) {
    InferenceException e = InferenceErrors.toException(error, "");
    return e.kind() == ErrorKind.INTERNAL
        || (e.kind() == ErrorKind.DEADLINE_EXCEEDED && windowNanos >= callTimeout.toNanos());
  }
}

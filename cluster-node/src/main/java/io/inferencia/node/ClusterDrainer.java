package io.inferencia.node;

import io.inferencia.gpu.cluster.NodeDrain;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.placement.ClusterAdmin;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's drain over Pekko Cluster. For a gpu node, first the hand-over ({@link NodeDrain}):
 * the versions only it serves are warmed on the other gpu nodes while it still serves; then a graceful
 * leave, which runs that node's coordinated shutdown (edges stop sending to it as soon as it is
 * Leaving; it answers what it accepted) and exits its process.
 */
final class ClusterDrainer implements ClusterAdmin {
  private static final Logger log = LoggerFactory.getLogger(ClusterDrainer.class);
  private final ActorSystem<?> system;
  private final Cluster cluster;
  private final Duration warmTimeout;

  ClusterDrainer(ActorSystem<?> system) {
    this.system = system;
    this.cluster = Cluster.get(system);
    this.warmTimeout = system.settings().config().getDuration("inference.drain.warm-timeout");
  }

  @Override
  public CompletionStage<Drained> drain(String address) {
    Member member;
    try {
      member = find(address);
    } catch (InferenceException e) {
      return CompletableFuture.failedFuture(e);
    }
    String status = member.status().toString();
    Address leaving = member.address();
    // A gpu node hands its versions over while the edges still send to it; then it is told to leave
    // (its coordinated shutdown answers what it accepted). Answered at once: the drain goes on.
    NodeDrain.managerAt(system, leaving)
        .thenCompose(manager -> manager.isPresent()
            ? NodeDrain.handOver(system, manager.get(), warmTimeout).thenApply(done -> true)
            : CompletableFuture.completedFuture(false))
        .whenComplete((handedOver, error) -> {
          if (error != null) log.warn("Drain of {}: the hand-over failed ({}); it leaves anyway", leaving, error.toString());
          log.info("Drain of {}: asking it to leave the cluster", leaving);
          cluster.manager().tell(Leave.create(leaving));
        });
    return CompletableFuture.completedFuture(new Drained(leaving.toString(), status));
  }

  /** By full address, or by host:port (the system name is the cluster's own). */
  private Member find(String address) {
    boolean full = address.contains("://");
    if (!full && !address.matches("[^:/@]+:[0-9]{1,5}"))
      throw new InferenceException(ErrorKind.INVALID_ARGUMENT,
          "'" + address + "' is not a member address (pekko://system@host:port or host:port)");
    Address wanted;
    try {
      wanted = full ? AddressFromURIString.parse(address) : null;
    } catch (RuntimeException e) {
      throw new InferenceException(ErrorKind.INVALID_ARGUMENT,
          "'" + address + "' is not a member address (pekko://system@host:port or host:port)");
    }
    for (Member m : cluster.state().getMembers()) {
      Address a = m.address();
      boolean match = full ? a.equals(wanted)
          : address.equals(a.getHost().orElse("") + ":" + a.getPort().map(String::valueOf).orElse(""));
      if (match) return m;
    }
    throw InferenceException.notFound("no cluster member at '" + address + "'");
  }
}

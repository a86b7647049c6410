package io.inferencia.protocols.placement;

import java.util.concurrent.CompletionStage;

/**
 * The cluster operations of the admin API, which the runnable node implements over Pekko Cluster.
 * Failures are {@link io.inferencia.protocols.inference.InferenceException}s: NOT_FOUND for an address
 * that is no member, INVALID_ARGUMENT for one that does not parse.
 */
public interface ClusterAdmin {
  /**
   * Starts the graceful leave of the member at {@code address} ({@code pekko://system@host:port}, or
   * {@code host:port}): no new requests go to it, the versions only it serves are warmed on other gpu
   * nodes, what it accepted is answered, then its process exits. Answers the member's full address and
   * its membership status when the leave was asked.
   */
  CompletionStage<Drained> drain(String address);

  /** @param status the membership status when the leave was asked (Up, Leaving, ...) */
  record Drained(String node, String status) {}
}

package io.inferencia.node.amqp;

import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.FlowWithContext;

/**
 * A flow that publishes each message and emits once the broker confirmed it (the connector's
 * {@code flowWithContext} with confirms): in order, {@code parallelism} publishes in flight. A message
 * the broker refused or did not confirm in time fails the stream, so whatever drives it (a
 * projection) retries from its last committed point rather than skipping it.
 */
public final class AmqpConfirmFlow {
  private AmqpConfirmFlow() {}

  public static Flow<OutgoingMessage, Done, NotUsed> create(AmqpConfirmPublisher publisher, int parallelism) {
    return Flow.<OutgoingMessage>create().mapAsync(parallelism, m -> publisher.publish(m).thenApply(v -> Done.getInstance()));
  }

  public static <C> FlowWithContext<OutgoingMessage, C, Done, C, NotUsed> withContext(AmqpConfirmPublisher publisher,
      int parallelism) {
    return FlowWithContext.<OutgoingMessage, C>create()
        .mapAsync(parallelism, m -> publisher.publish(m).thenApply(v -> Done.getInstance()));
  }
}

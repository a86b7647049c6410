package io.inferencia.node.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A message taken from a queue and not yet settled: {@link #ack} once what it asked for is durable,
 * {@link #nack} to give it back. Settling happens on the blocking executor (it writes to the socket);
 * on a channel that has closed meanwhile it is a no-op, since the broker redelivers such messages.
 */
public final class CommittableDelivery {
  private final Channel channel;
  private final long tag;
  private final AMQP.BasicProperties properties;
  private final byte[] body;
  private final boolean redelivered;
  private final Executor blocking;

  CommittableDelivery(Channel channel, long tag, AMQP.BasicProperties properties, byte[] body, boolean redelivered,
      Executor blocking) {
    this.channel = channel;
    this.tag = tag;
    this.properties = properties;
    this.body = body;
    this.redelivered = redelivered;
    this.blocking = blocking;
  }

  public AMQP.BasicProperties properties() {
    return properties;
  }

  public byte[] body() {
    return body;
  }

  public boolean redelivered() {
    return redelivered;
  }

  /** A header's value as text, or null. */
  public String header(String name) {
    if (properties.getHeaders() == null) return null;
    Object v = properties.getHeaders().get(name);
    return v == null ? null : v.toString();
  }

  public CompletionStage<Void> ack() {
    return settle(() -> channel.basicAck(tag, false));
  }

  public CompletionStage<Void> nack(boolean requeue) {
    return settle(() -> channel.basicNack(tag, false, requeue));
  }

  private interface Settle {
    void run() throws IOException;
  }

  private CompletionStage<Void> settle(Settle action) {
    return CompletableFuture.runAsync(() -> {
      if (!channel.isOpen()) return;
      try {
        action.run();
      } catch (IOException | com.rabbitmq.client.AlreadyClosedException e) {
        // The channel died meanwhile: the broker requeues the message for the next connection.
      }
    }, blocking);
  }
}

package io.inferencia.node.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Publishes with publisher confirms: each publish completes when the broker has taken the message
 * (for a durable queue: written it), and fails on a nack, a closed channel or {@code publish-timeout}.
 * One channel at a time, opened on first use and again after it closed; publishes pipeline on it (the
 * confirms come back asynchronously), so throughput is not one round trip per message. The socket
 * writes run on the blocking executor.
 */
public final class AmqpConfirmPublisher implements AutoCloseable {
  private final AmqpConnector connector;
  private final Executor blocking;
  private ConfirmChannel current; // guarded by this

  public AmqpConfirmPublisher(AmqpConnector connector, Executor blocking) {
    this.connector = connector;
    this.blocking = blocking;
  }

  public CompletionStage<Void> publish(OutgoingMessage m) {
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    CompletableFuture.runAsync(() -> {
      try {
        synchronized (this) {
          channel().publish(m, confirmed);
        }
      } catch (Exception e) {
        confirmed.completeExceptionally(e);
      }
    }, blocking);
    return confirmed.orTimeout(connector.settings().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private ConfirmChannel channel() throws Exception {
    if (current == null || !current.channel.isOpen()) {
      if (current != null) current.connection.abort();
      Connection c = connector.open("publisher");
      Channel ch = c.createChannel();
      connector.declare(ch);
      ch.confirmSelect();
      current = new ConfirmChannel(c, ch);
    }
    return current;
  }

  @Override
  public synchronized void close() {
    if (current != null) current.connection.abort();
  }

  /** A channel in confirm mode with the publishes it has not had confirmed yet, by sequence number. */
  private static final class ConfirmChannel {
    final Connection connection;
    final Channel channel;
    final ConcurrentNavigableMap<Long, CompletableFuture<Void>> unconfirmed = new ConcurrentSkipListMap<>();

    ConfirmChannel(Connection connection, Channel channel) {
      this.connection = connection;
      this.channel = channel;
      channel.addConfirmListener(new ConfirmListener() {
        @Override
        public void handleAck(long tag, boolean multiple) {
          settle(tag, multiple, null);
        }

        @Override
        public void handleNack(long tag, boolean multiple) {
          settle(tag, multiple, new IOException("the broker refused the message (nack)"));
        }
      });
      channel.addShutdownListener(cause -> {
        for (CompletableFuture<Void> f : unconfirmed.values()) f.completeExceptionally(cause);
        unconfirmed.clear();
      });
    }

    void publish(OutgoingMessage m, CompletableFuture<Void> confirmed) throws IOException {
      long seq = channel.getNextPublishSeqNo();
      unconfirmed.put(seq, confirmed);
      try {
        channel.basicPublish(m.exchange(), m.routingKey(), m.properties(), m.body());
      } catch (IOException | RuntimeException e) {
        unconfirmed.remove(seq);
        throw e;
      }
    }

    private void settle(long tag, boolean multiple, Exception failure) {
      Map<Long, CompletableFuture<Void>> done = multiple ? unconfirmed.headMap(tag, true) : subMap(tag);
      for (CompletableFuture<Void> f : done.values()) {
        if (failure == null) f.complete(null);
        else f.completeExceptionally(failure);
      }
      done.clear();
    }

    private ConcurrentNavigableMap<Long, CompletableFuture<Void>> subMap(long tag) {
      return unconfirmed.subMap(tag, true, tag, true);
    }
  }
}

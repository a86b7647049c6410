package io.inferencia.node.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Opens connections to the broker and declares what the integration uses. The client's own automatic
 * recovery is off: the streams restart with backoff on a new connection instead, so a broker restart
 * looks the same as any other failure (unacked deliveries come back, unconfirmed publishes are retried).
 * Every call here blocks: run it on a blocking dispatcher.
 */
final class AmqpConnector {
  private final AmqpSettings settings;
  private final ConnectionFactory factory = new ConnectionFactory();

  AmqpConnector(AmqpSettings settings) {
    this.settings = settings;
    try {
      factory.setUri(settings.uri());
    } catch (Exception e) {
      throw new IllegalArgumentException("AMQP_URI is not usable: " + e.getMessage(), e);
    }
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    factory.setConnectionTimeout(10_000);
    factory.setRequestedHeartbeat(10);
  }

  Connection open(String purpose) throws IOException, TimeoutException {
    return factory.newConnection("inferencia-" + purpose);
  }

  /**
   * The durable submission queue (quorum where asked; its poison messages, after {@code delivery-limit}
   * redeliveries, are dead-lettered by the broker), its dead-letter queue and the events exchange.
   */
  void declare(Channel ch) throws IOException {
    ch.queueDeclare(settings.deadLetterQueue(), true, false, false, settings.quorum() ? Map.of("x-queue-type", "quorum") : Map.of());
    Map<String, Object> args = new HashMap<>();
    args.put("x-dead-letter-exchange", "");
    args.put("x-dead-letter-routing-key", settings.deadLetterQueue());
    if (settings.quorum()) {
      args.put("x-queue-type", "quorum");
      args.put("x-delivery-limit", settings.deliveryLimit());
    }
    ch.queueDeclare(settings.submitQueue(), true, false, false, args);
    ch.exchangeDeclare(settings.eventsExchange(), "topic", true);
  }

  AmqpSettings settings() {
    return settings;
  }
}

package io.inferencia.node.amqp;

import com.rabbitmq.client.AMQP;

/** A message to publish: where (exchange and routing key), its properties and its body. */
public record OutgoingMessage(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {}

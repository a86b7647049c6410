package io.inferencia.node.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A committable source over a RabbitMQ queue (the semantics of the Pekko connector's
 * {@code committableSource}, which is not served here): each element is settled by its consumer
 * ({@link CommittableDelivery#ack} after the work is durable). {@code prefetch} bounds the unsettled
 * deliveries, so the buffer never overflows. A lost connection fails the stream; {@link #restarting}
 * starts a new one with backoff, and the broker redelivers what was unsettled.
 */
public final class AmqpCommittableSource {
  private AmqpCommittableSource() {}

  public static Source<CommittableDelivery, NotUsed> restarting(AmqpConnector connector, String queue, Executor blocking) {
    AmqpSettings s = connector.settings();
    RestartSettings restart = RestartSettings.create(s.minBackoff(), s.maxBackoff(), 0.2);
    return RestartSource.withBackoff(restart, () -> once(connector, queue, s.prefetch(), blocking));
  }

  /** The deliveries of one connection; fails when it closes. */
  static Source<CommittableDelivery, NotUsed> once(AmqpConnector connector, String queue, int prefetch, Executor blocking) {
    AtomicReference<Connection> connection = new AtomicReference<>();
    AtomicBoolean stopped = new AtomicBoolean();
    return Source.<CommittableDelivery>queue(prefetch + 1)
        .mapMaterializedValue(q -> {
          CompletableFuture.runAsync(() -> {
            try {
              Connection c = connector.open("consumer");
              connection.set(c);
              if (stopped.get()) {
                c.abort();
                return;
              }
              Channel ch = c.createChannel();
              connector.declare(ch);
              ch.basicQos(prefetch);
              ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                  QueueOfferResult r = q.offer(new CommittableDelivery(ch, envelope.getDeliveryTag(), properties, body,
                      envelope.isRedeliver(), blocking));
                  if (r != QueueOfferResult.enqueued() && !stopped.get())
                    q.fail(new IllegalStateException("more deliveries than the prefetch of " + prefetch + ": " + r));
                }

                @Override
                public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
                  if (!stopped.get()) q.fail(sig);
                }

                @Override
                public void handleCancel(String consumerTag) {
                  q.fail(new IllegalStateException("the broker cancelled the consumer of " + queue));
                }
              });
            } catch (Exception e) {
              q.fail(e);
            }
          }, blocking);
          return q;
        })
        .watchTermination((q, done) -> {
          done.whenComplete((d, t) -> {
            stopped.set(true);
            Connection c = connection.get();
            if (c != null) CompletableFuture.runAsync(c::abort, blocking);
          });
          return NotUsed.getInstance();
        });
  }

}

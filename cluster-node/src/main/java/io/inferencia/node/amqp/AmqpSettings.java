package io.inferencia.node.amqp;

import com.typesafe.config.Config;
import io.inferencia.protocols.config.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The RabbitMQ integration ({@code amqp}): off unless {@code AMQP_URI} is set. Names of the submission
 * queue, its dead-letter queue and the events exchange; how many submissions are in flight at once
 * (the consumer's prefetch); how long a publish may wait for the broker's confirm.
 */
public record AmqpSettings(URI uri, String submitQueue, String deadLetterQueue, String eventsExchange, boolean quorum,
    int prefetch, int deliveryLimit, Duration publishTimeout, Duration minBackoff, Duration maxBackoff, String defaultTenant) {

  /** Empty when {@code amqp.uri} is not set. */
  public static Optional<AmqpSettings> fromConfig(Config root) {
    Config c = root.getConfig("amqp");
    String uri = c.getString("uri").trim();
    if (uri.isEmpty()) return Optional.empty();
    URI parsed;
    try {
      parsed = URI.create(uri);
      if (!"amqp".equals(parsed.getScheme()) && !"amqps".equals(parsed.getScheme())) throw new IllegalArgumentException();
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException("AMQP_URI", "amqp.uri", "'" + uri.replaceAll("//[^@/]*@", "//***@")
          + "' is not an amqp:// or amqps:// URI");
    }
    int prefetch = c.getInt("prefetch");
    if (prefetch < 1 || prefetch > 65535)
      throw new InvalidSettingException("AMQP_PREFETCH", "amqp.prefetch", prefetch + " is not within 1..65535");
    String queueType = c.getString("queue-type");
    if (!queueType.equals("quorum") && !queueType.equals("classic"))
      throw new InvalidSettingException(null, "amqp.queue-type", "'" + queueType + "' is not quorum or classic");
    return Optional.of(new AmqpSettings(parsed, c.getString("submit-queue"), c.getString("dead-letter-queue"),
        c.getString("events-exchange"), queueType.equals("quorum"), prefetch, c.getInt("delivery-limit"),
        c.getDuration("publish-timeout"), c.getDuration("reconnect.min-backoff"), c.getDuration("reconnect.max-backoff"),
        root.getString("api.default-tenant")));
  }
}

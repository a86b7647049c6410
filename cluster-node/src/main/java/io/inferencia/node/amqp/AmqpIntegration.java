package io.inferencia.node.amqp;

import io.inferencia.edge.jobs.JobJson;
import io.inferencia.edge.jobs.JobSubmissions;
import io.inferencia.edge.jobs.JobsClient;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/** Starts the RabbitMQ surfaces when {@code AMQP_URI} is set: job intake on edge nodes, the events projection everywhere. */
public final class AmqpIntegration {
  private AmqpIntegration() {}

  /**
   * @param submissions the edge's submission path, or empty on a node without the edge role (it then
   *     only publishes events: the projection's instances run on every node)
   */
  public static void start(ActorSystem<?> system, DataSource dataSource, Optional<JobSubmissions> submissions,
      JobsClient jobs, JobJson json, Executor blocking) {
    Optional<AmqpSettings> configured = AmqpSettings.fromConfig(system.settings().config());
    if (configured.isEmpty()) return;
    AmqpSettings settings = configured.get();
    AmqpConnector connector = new AmqpConnector(settings);
    AmqpConfirmPublisher publisher = new AmqpConfirmPublisher(connector, blocking);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "amqp-close", () ->
        CompletableFuture.supplyAsync(() -> {
          publisher.close();
          return Done.getInstance();
        }, blocking));
    JobEventsProjection.init(system, dataSource, publisher, jobs, json, settings.eventsExchange());
    submissions.ifPresent(s -> JobIntake.start(system, connector, publisher, s, blocking));
    system.log().info("AMQP on {}: jobs from queue '{}', events to exchange '{}'", settings.uri().getHost(),
        settings.submitQueue(), settings.eventsExchange());
  }
}

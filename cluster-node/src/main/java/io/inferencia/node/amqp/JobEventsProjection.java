package io.inferencia.node.amqp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.rabbitmq.client.AMQP;
import io.inferencia.edge.jobs.JobJson;
import io.inferencia.edge.jobs.JobsClient;
import io.inferencia.persistence.db.PooledJdbcSession;
import io.inferencia.persistence.jobs.JobEntity;
import io.inferencia.protocols.jobs.JobEvent;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import io.inferencia.protocols.json.JsonMappers;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionContext;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.apache.pekko.stream.javadsl.FlowWithContext;

/**
 * Every job transition, published with confirms to the topic exchange {@code jobs.events} with the
 * routing key {@code <tenant>.<task>.<STATUS>} (dots in a task name become underscores, so a key has
 * three words) and the body of the job's SSE event (the final one carries the job, result link
 * included). A projection of the journal per tag slice, like the read side: its offset is saved only
 * after the broker confirmed, so no event is skipped; after a crash a few may be published again,
 * with the same {@code message-id} ({@code <jobId>:<seq>}), by which a consumer drops repeats.
 */
public final class JobEventsProjection {
  public static final String NAME = "jobs-amqp";
  private static final int LOOKUPS = 8;
  private static final int PUBLISHES = 64;

  private JobEventsProjection() {}

  static void init(ActorSystem<?> system, DataSource dataSource, AmqpConfirmPublisher publisher, JobsClient jobs,
      JobJson json, String exchange) {
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, NAME, JobEntity.TAG_SLICES,
        slice -> ProjectionBehavior.create(projection(system, dataSource, "jobs-" + slice, publisher, jobs, json, exchange)),
        ShardedDaemonProcessSettings.create(system), Optional.of(ProjectionBehavior.stopMessage()));
  }

  static Projection<EventEnvelope<JobEvent>> projection(ActorSystem<?> system, DataSource dataSource, String tag,
      AmqpConfirmPublisher publisher, JobsClient jobs, JobJson json, String exchange) {
    SourceProvider<Offset, EventEnvelope<JobEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    FlowWithContext<EventEnvelope<JobEvent>, ProjectionContext, org.apache.pekko.Done, ProjectionContext, ?> flow =
        FlowWithContext.<EventEnvelope<JobEvent>, ProjectionContext>create()
            .mapAsync(LOOKUPS, env -> message(env, jobs, json, exchange))
            .via(AmqpConfirmFlow.withContext(publisher, PUBLISHES));
    return JdbcProjection.atLeastOnceFlow(ProjectionId.of(NAME, tag), source, () -> new PooledJdbcSession(dataSource),
        flow, system);
  }

  /** The event's message: the job's tenant and task come from its entity (always there, unlike a lagging view). */
  static CompletionStage<OutgoingMessage> message(EventEnvelope<JobEvent> env, JobsClient jobs, JobJson json, String exchange) {
    String jobId = jobId(env.persistenceId());
    return jobs.get(jobId).thenApply(view -> {
      JobTransition t = EventTransition.of(env.event(), env.sequenceNr(), view.attempts());
      JobJson.Transition body = json.transition(jobId, t);
      if (t.status().isTerminal()) body = body.withJob(json.job(view));
      return new OutgoingMessage(exchange, routingKey(view, t), properties(jobId, view, t), bytes(body));
    });
  }

  static String routingKey(JobView view, JobTransition t) {
    return view.tenant() + "." + view.task().replace('.', '_') + "." + t.status().name();
  }

  private static AMQP.BasicProperties properties(String jobId, JobView view, JobTransition t) {
    return new AMQP.BasicProperties.Builder()
        .messageId(jobId + ":" + t.seqNr())
        .contentType("application/json")
        .type(t.event())
        .deliveryMode(2)
        .timestamp(new Date(t.at()))
        .headers(Map.of("tenant", view.tenant(), "task", view.task(), "job_id", jobId, "seq", t.seqNr(),
            "status", t.status().name()))
        .build();
  }

  private static byte[] bytes(JobJson.Transition body) {
    try {
      return JsonMappers.shared().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a job transition could not be written as JSON", e);
    }
  }

  static String jobId(String persistenceId) {
    int sep = persistenceId.indexOf('|');
    return sep < 0 ? persistenceId : persistenceId.substring(sep + 1);
  }
}

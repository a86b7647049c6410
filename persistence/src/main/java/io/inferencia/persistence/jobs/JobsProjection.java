package io.inferencia.persistence.jobs;

import io.inferencia.persistence.db.PooledJdbcSession;
import io.inferencia.protocols.jobs.JobEvent;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The jobs read side: one exactly-once JDBC projection per tag slice, spread over the cluster as a
 * sharded daemon process. Events are grouped (up to 200 or 50 ms) per transaction so the read side
 * keeps up with thousands of submissions a second.
 */
public final class JobsProjection {
  public static final String NAME = "jobs-view";

  private JobsProjection() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, NAME, JobEntity.TAG_SLICES,
        slice -> ProjectionBehavior.create(projection(system, dataSource, "jobs-" + slice)),
        ShardedDaemonProcessSettings.create(system), Optional.of(ProjectionBehavior.stopMessage()));
  }

  static Projection<EventEnvelope<JobEvent>> projection(ActorSystem<?> system, DataSource dataSource, String tag) {
    SourceProvider<Offset, EventEnvelope<JobEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.groupedWithin(ProjectionId.of(NAME, tag), source, () -> new PooledJdbcSession(dataSource),
            JobViewHandler::new, system)
        .withGroup(200, Duration.ofMillis(50));
  }
}

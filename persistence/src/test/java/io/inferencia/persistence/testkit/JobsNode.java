package io.inferencia.persistence.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.persistence.db.Database;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.db.PooledJdbcSession;
import io.inferencia.persistence.jobs.JdbcJobViewRepository;
import io.inferencia.persistence.jobs.JobDispatcher;
import io.inferencia.persistence.jobs.JobEntity;
import io.inferencia.persistence.jobs.JobSettings;
import io.inferencia.persistence.jobs.JobSweeper;
import io.inferencia.persistence.jobs.ResultDiscarder;
import io.inferencia.persistence.jobs.JobsProjection;
import io.inferencia.protocols.jobs.JobCommand;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * A one-node cluster with the job machinery on a real database: sharded entities, the dispatcher and
 * sweeper singletons, and the read-side projection. Close it and start another on the same database
 * to test recovery.
 */
public final class JobsNode implements AutoCloseable {
  public final ActorSystem<Void> system;
  public final Database database;
  public final JdbcJobViewRepository views;
  public final ActorRef<JobDispatcher.Command> dispatcher;
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);

  public JobsNode(DatabaseSettings db, JobSettings settings) throws Exception {
    database = new Database(db);
    database.createSchema();
    Config config = ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.actor.serialize-messages = on
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.loglevel = WARNING
            """)
        .withFallback(db.pekkoConfig(ConfigFactory.load()));
    system = ActorSystem.create(Behaviors.empty(), "jobs-test", config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    JdbcProjection.createTablesIfNotExists(() -> new PooledJdbcSession(database.dataSource()), system)
        .toCompletableFuture().get();
    views = new JdbcJobViewRepository(database.dataSource());
    dispatcher = JobDispatcher.init(system, settings);
    JobEntity.init(system, settings, dispatcher, ResultDiscarder.NONE);
    JobsProjection.init(system, database.dataSource());
    JobSweeper.init(system, settings, views, blocking);
  }

  public EntityRef<JobCommand> job(String jobId) {
    return ClusterSharding.get(system).entityRefFor(JobEntity.ENTITY_KEY, jobId);
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    blocking.shutdown();
    database.close();
  }

  public static JobSettings fastSettings() {
    return new JobSettings(3, Duration.ofMillis(100), Duration.ofMillis(400), 0.1, 4, Duration.ofMillis(500),
        Duration.ofMillis(500), Duration.ofMillis(800), 100, 1000, Duration.ofSeconds(10), Duration.ofMinutes(30));
  }
}

package io.inferencia.node;

import io.inferencia.edge.jobs.JobJson;
import io.inferencia.edge.jobs.JobSubmissions;
import io.inferencia.edge.jobs.JobsClient;
import io.inferencia.node.amqp.AmqpIntegration;
import io.inferencia.persistence.storage.GuardedObjectStore;
import java.util.Optional;

import com.typesafe.config.Config;
import io.inferencia.edge.EdgeServer;
import io.inferencia.edge.EdgeSettings;
import io.inferencia.edge.api.V1Api;
import io.inferencia.edge.health.ReadinessChecks;
import io.inferencia.edge.kserve.KServeDocuments;
import io.inferencia.edge.metrics.EdgeMetrics;
import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.InferenceSettings;
import io.inferencia.gpu.cluster.PlacementController;
import io.inferencia.gpu.cluster.ReplicaSharding;
import io.inferencia.gpu.placement.PlacementSettings;
import io.inferencia.node.health.NodeReadiness;
import io.inferencia.gpu.jobs.JobWorker;
import io.inferencia.gpu.jobs.ModelTask;
import io.inferencia.gpu.jobs.OcrTask;
import io.inferencia.gpu.jobs.StegoDecodeTask;
import io.inferencia.gpu.jobs.StegoEncodeTask;
import io.inferencia.gpu.jobs.StegoKeys;
import io.inferencia.gpu.pipeline.stego.StegoCodec;
import io.inferencia.protocols.stego.StegoParams;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.gpu.jobs.TaskRunners;
import io.inferencia.gpu.jobs.VadTask;
import io.inferencia.gpu.pipeline.PipelineFactory;
import io.inferencia.gpu.pipeline.ocr.OcrPipelineFactory;
import io.inferencia.gpu.pipeline.vad.VadPipelineFactory;
import io.inferencia.persistence.db.DatabaseProbe;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.db.PooledJdbcSession;
import io.inferencia.persistence.jobs.JdbcJobViewRepository;
import io.inferencia.persistence.jobs.JobDispatcher;
import io.inferencia.persistence.jobs.JobEntity;
import io.inferencia.persistence.jobs.JobSettings;
import io.inferencia.persistence.jobs.JobWorkerSettings;
import io.inferencia.persistence.jobs.JobSweeper;
import io.inferencia.persistence.jobs.JobsProjection;
import io.inferencia.persistence.jobs.ResultDiscarder;
import io.inferencia.persistence.jobs.ShardedJobStore;
import io.inferencia.protocols.inference.InferenceGateway;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The node's root: joins the cluster, starts management, the job machinery every node shares (sharded
 * job entities, the dispatcher and sweeper singletons, the read-side projection), then what the roles
 * ask for — {@code gpu}: the inference core and a job worker; {@code edge}: the KServe v2 and
 * {@code /v1} APIs over REST and gRPC.
 */
public final class NodeGuardian {
  private NodeGuardian() {}

  private record TablesReady(Throwable error) {}

  /**
   * Nodes starting together race on PostgreSQL's CREATE TABLE IF NOT EXISTS (it can fail with a
   * duplicate pg_type key while another session creates the same table); a later attempt finds the
   * tables there.
   */
  private static final int TABLE_ATTEMPTS = 5;

  public static Behavior<Void> create(NodeSettings settings, NodeServices services) {
    return Behaviors.<Object>setup(ctx -> {
      joinCluster(ctx, settings);
      startManagement(ctx.getSystem());
      closeOnShutdown(ctx.getSystem(), services,
          ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("jobs.blocking-dispatcher")));
      // Projection offsets live in tables Pekko Projection creates; the projections start after them.
      ctx.pipeToSelf(createTables(ctx, services), (done, error) -> new TablesReady(error));
      return Behaviors.receive(Object.class)
          .onMessage(TablesReady.class, ready -> {
            if (ready.error() != null) {
              ctx.getLog().error("Projection tables could not be created; stopping", ready.error());
              ctx.getSystem().terminate();
              return Behaviors.stopped();
            }
            start(ctx, settings, services);
            return Behaviors.empty();
          })
          .build();
    }).narrow();
  }

  private static CompletionStage<Done> createTables(ActorContext<Object> ctx, NodeServices services) {
    ActorSystem<?> system = ctx.getSystem();
    return Patterns.retry(() -> JdbcProjection.createTablesIfNotExists(
                () -> new PooledJdbcSession(services.database().dataSource()), system)
            .whenComplete((done, error) -> {
              if (error != null) system.log().warn("Projection tables could not be created: {}", error.getMessage());
            }),
        TABLE_ATTEMPTS, Duration.ofMillis(500), Duration.ofSeconds(4), 0.2, system);
  }

  private static void start(ActorContext<Object> ctx, NodeSettings settings, NodeServices services) {
    ActorSystem<?> system = ctx.getSystem();
    Config config = system.settings().config();
    JobSettings jobs = JobSettings.fromConfig(config.getConfig("jobs"));
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("jobs.blocking-dispatcher"));
    NodeMetrics.start(config, services.database().dataSource(), blocking);
    JdbcJobViewRepository views = new JdbcJobViewRepository(services.database().dataSource());
    // Every storage call of the node's services goes through one circuit breaker.
    ObjectStore objects = GuardedObjectStore.wrap(services.storage().objects(), system.classicSystem().scheduler(),
        config.getConfig("storage.breaker"));
    ActorRef<JobDispatcher.Command> dispatcher = JobDispatcher.init(system, jobs);
    JobEntity.init(system, jobs, dispatcher, ResultDiscarder.inStore(objects,
        services.storage().objects().buckets().results(), blocking));
    JobsProjection.init(system, services.database().dataSource());
    JobSweeper.init(system, jobs, views, blocking);
    DatabaseSettings.Probe probe = DatabaseSettings.probeFromConfig(config.getConfig("persistence.db"));
    DatabaseProbe journal = DatabaseProbe.start(system, services.database().dataSource(),
        probe.interval(), probe.unreachableAfter(), blocking);
    ReadinessChecks.get(system).register("database", journal::reachable);
    // A node that is shutting down (draining) tells load balancers to stop sending it traffic at once.
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    ReadinessChecks.get(system).register("not-shutting-down", () -> shutdown.getShutdownReason().isEmpty());

    InferenceCore core = settings.hasRole(NodeRole.GPU) ? InferenceCore.start(ctx, config, pipelines()) : null;
    // Replica entities live on the gpu nodes, where they own the core's copies; other nodes get a proxy.
    ReplicaSharding replicas = ReplicaSharding.init(system, core == null ? null : core.manager());
    // The job worker uses this node's core; the edge serves from it when the version is READY here and
    // from the other gpu nodes otherwise (an edge-only node from theirs).
    InferenceGateway gateway = core != null ? core.gateway() : null;
    InferenceGateway edgeGateway = !settings.hasRole(NodeRole.EDGE) ? null
        : core != null ? InferenceCore.localFirst(ctx, config, core, replicas) : InferenceCore.remote(ctx, config, replicas);
    NodeReadiness.get(system).started(gateway);
    if (settings.hasRole(NodeRole.GPU)) {
      // The cluster's one placement controller runs on the oldest gpu node; every gpu node can host it.
      PlacementSettings placement = InferenceSettings.fromRoot(config).placement();
      PlacementController.init(ctx, placement.upscaleDelay(), placement.downscaleDelay(), replicas);
    }
    JobWorkerSettings worker = JobWorkerSettings.fromConfig(config.getConfig("jobs"));
    if (settings.hasRole(NodeRole.GPU) && worker.enabled())
      ctx.spawn(JobWorker.create(workerSetup(worker, services, objects, gateway, blocking,
          () -> core.started(system, CORE_READY_TIMEOUT))), "job-worker");
    Optional<JobSubmissions> submissions = Optional.empty();
    if (settings.hasRole(NodeRole.EDGE)) {
      V1Api v1 = V1Api.create(system, edgeGateway, objects, views,
          new ShardedJobStore(system, config.getDuration("jobs.ask-timeout")), new EdgeMetrics(), services.storageSecret(),
          new ClusterDrainer(system));
      // Not ready until the edge's ports listen: the binding completes after the node has started.
      java.util.concurrent.atomic.AtomicBoolean bound = new java.util.concurrent.atomic.AtomicBoolean();
      ReadinessChecks.get(system).register("edge-bound", bound::get);
      EdgeServer.bind(system, edgeGateway, EdgeSettings.fromConfig(config), v1::counting, v1.route(),
          List.of(v1.grpcService(system))).thenRun(() -> bound.set(true));
      submissions = Optional.of(v1.submissions());
    }
    AmqpIntegration.start(system, services.database().dataSource(), submissions,
        new JobsClient(new ShardedJobStore(system, config.getDuration("jobs.ask-timeout")), config.getDuration("jobs.ask-timeout")),
        new JobJson(objects, config.getDuration("jobs.result-url-ttl")), blocking);
  }

  private static final Duration CORE_READY_TIMEOUT = Duration.ofSeconds(3);

  private static JobWorker.Setup workerSetup(JobWorkerSettings worker, NodeServices services, ObjectStore objects,
      InferenceGateway gateway, Executor blocking, Supplier<CompletionStage<Boolean>> coreStarted) {
    StegoCodec stego = new StegoCodec(gateway::infer, blocking);
    StegoKeys keys = StegoKeys.of(worker.stegoKey(), services.storageSecret());
    TaskRunners runners = new TaskRunners(Map.of(
        "ocr", new OcrTask(gateway, worker.ocrLimit()),
        "vad", new VadTask(gateway, "vad", blocking),
        StegoParams.ENCODE_TASK, new StegoEncodeTask(stego, objects, blocking, keys, worker.stegoSecretLimit()),
        StegoParams.DECODE_TASK, new StegoDecodeTask(stego, objects, blocking, keys, worker.stegoSecretLimit())),
        new ModelTask(gateway, worker.modelLimit(), KServeDocuments.CODEC),
        java.util.Set.of("vad", StegoParams.ENCODE_TASK, StegoParams.DECODE_TASK));
    return new JobWorker.Setup(JobEntity.ENTITY_KEY, objects, blocking, runners,
        services.storage().objects().buckets().results(), worker.parallelism(), worker.askTimeout(),
        coreStarted);
  }

  static List<PipelineFactory> pipelines() {
    return List.of(new OcrPipelineFactory(), new VadPipelineFactory());
  }

  private static void joinCluster(ActorContext<?> ctx, NodeSettings settings) {
    if (settings.discovery() == NodeSettings.Discovery.KUBERNETES_API) {
      // Needs management's HTTP server (the contact points probe each other there), started next.
      ClusterBootstrap.get(Adapter.toClassic(ctx.getSystem())).start();
      return;
    }
    if (!settings.seedNodes().isEmpty()) return; // pekko.cluster.seed-nodes drives the join
    Cluster cluster = Cluster.get(ctx.getSystem());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
  }

  private static void startManagement(ActorSystem<?> system) {
    PekkoManagement.get(Adapter.toClassic(system)).start().whenComplete((uri, err) -> {
      if (err != null) system.log().error("Pekko Management failed to start: {}", err.getMessage());
      else system.log().info("Pekko Management at {}", uri);
    });
  }

  /** Storage and the pool close last, after the edges stopped and the actors finished their writes. */
  private static void closeOnShutdown(ActorSystem<?> system, NodeServices services, Executor blocking) {
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-storage-and-db",
        () -> CompletableFuture.runAsync(services::close, blocking).thenApply(v -> Done.getInstance()));
  }
}

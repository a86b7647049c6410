package io.inferencia.edge.api;

import io.inferencia.edge.tracing.RestTracing;

import io.inferencia.edge.auth.Authenticator;
import io.inferencia.edge.auth.Authorized;
import io.inferencia.edge.auth.EdgeAuth;
import io.inferencia.edge.auth.GrpcAuth;

import com.typesafe.config.Config;
import io.inferencia.edge.grpc.GrpcService;
import io.inferencia.edge.jobs.JobGrpcService;
import io.inferencia.edge.jobs.JobJson;
import io.inferencia.edge.jobs.JobQuota;
import io.inferencia.edge.uploads.UploadLedger;
import io.inferencia.edge.jobs.JobRoutes;
import io.inferencia.edge.jobs.JobSubmissions;
import io.inferencia.edge.jobs.JobsClient;
import io.inferencia.edge.jobs.TaskCatalog;
import io.inferencia.edge.metrics.EdgeMetrics;
import io.inferencia.edge.metrics.MetricsRoutes;
import io.inferencia.edge.web.WebRoutes;
import io.inferencia.edge.uploads.UploadRoutes;
import io.inferencia.edge.uploads.UploadSettings;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.placement.ClusterAdmin;
import io.inferencia.protocols.jobs.JobStore;
import io.inferencia.protocols.jobs.JobViewRepository;
import io.inferencia.protocols.jobs.grpc.JobService;
import io.inferencia.protocols.jobs.grpc.JobServicePowerApiHandlerFactory;
import io.inferencia.protocols.storage.ObjectStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The {@code /v1} API (uploads, jobs and admin, RFC 9457 problems), {@code /metrics}, and the gRPC JobService,
 * assembled from their parts. Storage and database calls run on {@code edge.blocking-dispatcher}.
 */
public final class V1Api extends AllDirectives {
  private final Route v1;
  private final MetricsRoutes metrics;
  private final JobGrpcService grpc;
  private final JobSubmissions submissions;

  private V1Api(Route v1, MetricsRoutes metrics, JobGrpcService grpc, JobSubmissions submissions) {
    this.v1 = v1;
    this.metrics = metrics;
    this.grpc = grpc;
    this.submissions = submissions;
  }

  /** The submission path of {@code POST /v1/jobs}, for other ways in (AMQP). */
  public JobSubmissions submissions() {
    return submissions;
  }

  /**
   * @param storageSecret a secret every edge node shares (the storage secret key), from which the
   *     upload signing key is derived unless {@code uploads.signing-key} is set
   * @param cluster the cluster operations of {@code /v1/admin} (drain)
   */
  public static V1Api create(ActorSystem<?> system, InferenceGateway gateway, ObjectStore objects,
      JobViewRepository views, JobStore jobStore, EdgeMetrics edgeMetrics, String storageSecret, ClusterAdmin cluster) {
    Config config = system.settings().config();
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("edge.blocking-dispatcher"));
    Authenticator authenticator = EdgeAuth.get(system);
    Authorized tenants = new Authorized(authenticator);
    String intake = objects.intakeBucket();
    Duration resultTtl = config.getDuration("jobs.result-url-ttl");
    JobsClient jobs = new JobsClient(jobStore, config.getDuration("jobs.ask-timeout"));
    UploadLedger ledger = new UploadLedger(config.getBytes("api.limits.max-upload-bytes-in-flight"));
    JobSubmissions submissions = new JobSubmissions(new TaskCatalog(gateway, config.getConfig("jobs.limits")), objects,
        blocking, jobs, intake, new JobQuota(views, config.getInt("api.limits.max-active-jobs"), blocking))
        .releasingUploads(ledger);
    JobJson json = new JobJson(objects, resultTtl);
    UploadRoutes uploads = new UploadRoutes(tenants, objects, blocking,
        UploadSettings.fromConfig(config.getConfig("uploads"), storageSecret), intake, ledger);
    JobRoutes jobRoutes = new JobRoutes(tenants, submissions, jobs, views, json, blocking);
    AdminRoutes admin = new AdminRoutes(tenants, gateway, cluster, config.getDuration("edge.ask-timeout"));
    return new V1Api(v1(uploads.route(), jobRoutes.route(), admin.route()), new MetricsRoutes(edgeMetrics),
        new JobGrpcService(new GrpcAuth(authenticator), submissions, jobs, objects, resultTtl), submissions);
  }

  /** {@code /v1} over {@code routes} ({@code uploads}, {@code jobs}, {@code admin}), every error and rejection an RFC 9457 problem. */
  public static Route v1(Route... routes) {
    return Directives.pathPrefix("v1", () -> Directives.handleExceptions(Problems.exceptionHandler(), () ->
        Directives.handleRejections(Problems.rejectionHandler(), () -> Directives.concat(routes[0],
            Arrays.copyOfRange(routes, 1, routes.length)))));
  }

  /** {@code /v1/...} and {@code /metrics}. */
  public Route route() {
    return concat(v1, metrics.route(), new WebRoutes().route());
  }

  /** Wraps the whole REST edge so that request bodies are counted and API calls traced. */
  public Route counting(Route all) {
    return metrics.counting(new RestTracing().traced(all));
  }

  /** The gRPC JobService, for the edge's gRPC port. */
  public GrpcService grpcService(ActorSystem<?> system) {
    return new GrpcService(JobService.description, JobServicePowerApiHandlerFactory.create(grpc, system));
  }
}

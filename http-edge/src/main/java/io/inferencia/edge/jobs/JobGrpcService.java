package io.inferencia.edge.jobs;

import io.inferencia.edge.tracing.GrpcTracing;
import io.inferencia.protocols.tracing.Tracing;

import io.grpc.Status;
import io.inferencia.edge.api.ApiProblem;
import io.inferencia.edge.api.Problems;
import io.inferencia.edge.auth.GrpcAuth;
import io.inferencia.edge.auth.Role;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import io.inferencia.protocols.jobs.grpc.CancelJobRequest;
import io.inferencia.protocols.jobs.grpc.GetJobRequest;
import io.inferencia.protocols.jobs.grpc.Job;
import io.inferencia.protocols.jobs.grpc.JobOutput;
import io.inferencia.protocols.jobs.grpc.JobServicePowerApi;
import io.inferencia.protocols.jobs.grpc.JobStatus;
import io.inferencia.protocols.jobs.grpc.JobUpdate;
import io.inferencia.protocols.jobs.grpc.SubmitJobRequest;
import io.inferencia.protocols.jobs.grpc.WatchJobRequest;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.stream.javadsl.Source;

/** The gRPC mirror of {@code /v1/jobs}: the same validation and semantics, gRPC statuses instead of problems. */
public final class JobGrpcService implements JobServicePowerApi {
  private final GrpcAuth auth;
  private final JobSubmissions submissions;
  private final JobsClient jobs;
  private final ObjectStore objects;
  private final Duration urlTtl;

  public JobGrpcService(GrpcAuth auth, JobSubmissions submissions, JobsClient jobs, ObjectStore objects, Duration urlTtl) {
    this.auth = auth;
    this.submissions = submissions;
    this.jobs = jobs;
    this.objects = objects;
    this.urlTtl = urlTtl;
  }

  @Override
  public CompletionStage<Job> submit(SubmitJobRequest in, Metadata metadata) {
    return call(() -> tenant(metadata).thenCompose(tenant -> {
      // Proto3 has no null: an empty field is an absent one.
      if (in.getTask().isBlank()) throw ApiProblem.badRequest("invalid-job", "'task' is required");
      if (in.getInput().isBlank()) throw ApiProblem.badRequest("invalid-job", "'input' is required");
      JobRequest request = new JobRequest(in.getTask(), in.getInput(), in.getParamsMap());
      request.validate();
      Optional<String> key = in.getIdempotencyKey().isEmpty() ? Optional.empty() : Optional.of(in.getIdempotencyKey());
      return GrpcTracing.<JobView>traced("JobService/Submit", metadata.getText(Tracing.TRACEPARENT),
          trace -> submissions.submit(tenant, request, key, trace)).thenApply(this::job);
    }));
  }

  @Override
  public CompletionStage<Job> get(GetJobRequest in, Metadata metadata) {
    return call(() -> tenant(metadata).thenCompose(tenant -> owned(tenant, in.getJobId())).thenApply(this::job));
  }

  @Override
  public CompletionStage<Job> cancel(CancelJobRequest in, Metadata metadata) {
    return call(() -> tenant(metadata).thenCompose(tenant -> owned(tenant, in.getJobId()))
        .thenCompose(v -> jobs.cancel(in.getJobId(), "cancelled by the client"))
        .thenApply(this::job));
  }

  @Override
  public Source<JobUpdate, NotUsed> watch(WatchJobRequest in, Metadata metadata) {
    CompletionStage<Source<JobUpdate, NotUsed>> updates = call(() -> tenant(metadata).thenCompose(tenant -> owned(tenant, in.getJobId()))
        .thenApply(v -> jobs.watch(in.getJobId(), Math.max(0, in.getAfterSeq()))
            .mapAsync(1, t -> update(in.getJobId(), t))));
    return Source.completionStageSource(updates).mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private CompletionStage<JobUpdate> update(String jobId, JobTransition t) {
    JobUpdate.Builder u = JobUpdate.newBuilder()
        .setSeq(t.seqNr()).setEvent(t.event()).setStatus(status(t.status())).setAttempt(t.attempt())
        .setAtMs(t.at()).setDetail(t.detail() == null ? "" : t.detail()).setTerminal(t.status().isTerminal());
    if (!t.status().isTerminal()) return CompletableFuture.completedFuture(u.build());
    return jobs.get(jobId).thenApply(v -> u.setJob(job(v)).build());
  }

  private CompletionStage<JobView> owned(String tenant, String jobId) {
    if (jobId.isEmpty() || jobId.length() > 64)
      return CompletableFuture.failedFuture(ApiProblem.notFound("job-not-found", "job '" + jobId + "' does not exist"));
    return jobs.get(jobId).thenApply(v -> {
      if (!v.tenant().equals(tenant)) throw ApiProblem.notFound("job-not-found", "job " + jobId + " does not exist");
      return v;
    });
  }

  /** The caller's tenant, for a caller with the {@code jobs} role. */
  private CompletionStage<String> tenant(Metadata metadata) {
    return auth.principal(metadata, Role.JOBS).thenApply(p -> p.tenantOrFail());
  }

  Job job(JobView v) {
    Job.Builder b = Job.newBuilder()
        .setJobId(v.jobId()).setTask(v.task()).setInput(v.input()).setStatus(status(v.status()))
        .setCreatedAtMs(v.createdAt()).setUpdatedAtMs(v.updatedAt()).setAttempts(v.attempts())
        .setError(v.error() == null ? "" : v.error());
    if (v.status() == io.inferencia.protocols.jobs.JobStatus.SUCCEEDED && v.output() != null && !v.output().isEmpty())
      S3Uri.parse(v.output()).ifPresent(uri ->
          b.setOutput(JobOutput.newBuilder().setUri(v.output()).setUrl(ResultLinks.url(objects, uri, urlTtl))));
    return b.build();
  }

  private static JobStatus status(io.inferencia.protocols.jobs.JobStatus s) {
    return JobStatus.valueOf(s.name());
  }

  /** Runs the call; any failure, thrown or in the stage, becomes a gRPC status. */
  private static <T> CompletionStage<T> call(Supplier<CompletionStage<T>> body) {
    CompletionStage<T> stage;
    try {
      stage = body.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(grpc(e));
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete((v, t) -> {
      if (t == null) out.complete(v);
      else out.completeExceptionally(grpc(t));
    });
    return out;
  }

  static GrpcServiceException grpc(Throwable t) {
    return Problems.toGrpc(t);
  }
}

package io.inferencia.gpu.jobs;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.inferencia.protocols.jobs.JobCommand;
import io.inferencia.protocols.jobs.JobCommand.Ack;
import io.inferencia.protocols.jobs.JobCommand.StartReply;
import io.inferencia.protocols.jobs.JobResults;
import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.jobs.JobTicket;
import io.inferencia.protocols.jobs.JobTimings;
import io.inferencia.protocols.jobs.RunCheck;
import io.inferencia.protocols.json.JsonMappers;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import io.inferencia.protocols.tracing.Tracing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import kamon.trace.Span;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ticket, end to end: ask the job's entity for the go-ahead, stream the input from storage into
 * the task, write the attempt's result object ({@link JobResults#key}), and report the outcome
 * (retrying the report: the entity may be recovering, moving, or its database may be down). A failed
 * attempt is reported with whether it is worth retrying. The runs under way are known by name, so the
 * entity can ask whether its running attempt still executes here ({@link RunCheck}).
 */
final class JobRun {
  private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);
  /**
   * Asks of the entity before a run gives up: with the ask timeout and backoff capped at 5 s, about
   * ten minutes, so a run outlasts a database outage instead of abandoning a start the entity records
   * later. A run that gives up anyway is noticed by the entity's next run check.
   */
  private static final int REPORT_ATTEMPTS = 40;
  private static final long SPECULATIVE_MAX_BYTES = 4L * 1024 * 1024;
  private static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final EntityTypeKey<JobCommand> key;
  private final ActorRef<?> worker;
  private final String node;
  private final ObjectStore objects;
  private final Executor blocking;
  private final TaskRunners runners;
  private final String resultsBucket;
  private final Duration askTimeout;
  private final Materializer mat;
  private final RunsUnderWay underWay = new RunsUnderWay();

  JobRun(ActorSystem<?> system, EntityTypeKey<JobCommand> key, ActorRef<?> worker, String node, ObjectStore objects,
      Executor blocking, TaskRunners runners, String resultsBucket, Duration askTimeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.key = key;
    this.worker = worker;
    this.node = node;
    this.objects = objects;
    this.blocking = blocking;
    this.runners = runners;
    this.resultsBucket = resultsBucket;
    this.askTimeout = askTimeout;
    this.mat = Materializer.matFromSystem(system);
  }

  /**
   * The entity's go-ahead is asked first; meanwhile a small input is already read and computed on
   * (the start being persisted costs as much as the rest of a small job's overhead). Nothing leaves
   * the worker before the go-ahead: a skipped ticket (cancelled, duplicate, stale) only wasted compute.
   */
  CompletionStage<Done> run(JobTicket ticket) {
    // Named, so that asking again after a lost reply gets this run's go-ahead rather than a refusal.
    String run = java.util.UUID.randomUUID().toString();
    String handle = underWay.began(ticket.jobId(), ticket.attempt(), run);
    return execute(ticket, run).whenComplete((done, error) -> underWay.ended(handle));
  }

  /** Whether the run {@code check} asks about is still under way here. */
  boolean isUnderWay(RunCheck check) {
    return underWay.isUnderWay(check);
  }

  private CompletionStage<Done> execute(JobTicket ticket, String run) {
    // The attempt's span joins the trace of the submission, however long ago and wherever it was accepted.
    Span span = Tracing.internal("job.run", "jobs", ticket.spec() == null ? "" : ticket.spec().traceparent());
    span.tag("job.id", ticket.jobId());
    span.tag("job.attempt", ticket.attempt());
    span.tag("node", node);
    String trace = Tracing.traceparent(span);
    CompletionStage<StartReply> start = retried(ticket.jobId(), r -> new JobCommand.Start(ticket.attempt(), worker, node, run, r));
    CompletionStage<TaskRunner.TaskResult> early = speculative(ticket.spec())
        ? runTask(ticket.spec(), ticket.jobId(), ticket.attempt(), trace).toCompletableFuture() : null;
    return start
        .thenCompose(reply -> {
          if (!reply.go()) {
            span.tag("job.skipped", reply.reason());
            LOG.debug("Skipping job {} attempt {}: {}", ticket.jobId(), ticket.attempt(), reply.reason());
            return CompletableFuture.completedFuture(Done.getInstance());
          }
          CompletionStage<TaskRunner.TaskResult> result = early != null ? early
              : runTask(reply.spec(), reply.jobId(), reply.attempt(), trace);
          return finish(reply, result, trace).handle((done, failure) -> failure)
              .thenCompose(failure -> failure == null ? CompletableFuture.completedFuture(Done.getInstance())
                  : reportFailure(reply, failure, span));
        })
        .exceptionally(t -> {
          Tracing.withCurrent(span, () ->
              LOG.warn("Job {} attempt {} could not be started: {}", ticket.jobId(), ticket.attempt(), t.getMessage()));
          return Done.getInstance();
        })
        .whenComplete((done, failure) -> span.finish());
  }

  /** Small inputs read whole (images, request documents); streamed tasks wait for the go-ahead. */
  private boolean speculative(JobSpec spec) {
    return spec != null && spec.inputBytes() <= SPECULATIVE_MAX_BYTES && runners.readsWhole(spec.task());
  }

  /** @param trace the attempt's span: the task's reads, inference calls and writes are its children */
  private CompletionStage<TaskRunner.TaskResult> runTask(JobSpec spec, String jobId, int attempt, String trace) {
    S3Uri input = S3Uri.parse(spec.input()).orElseThrow();
    try {
      ProgressReports progress = new ProgressReports(done -> sharding.entityRefFor(key, jobId)
          .tell(new JobCommand.Progress(attempt, done, spec.inputBytes())), PROGRESS_INTERVAL_NANOS);
      return runners.forTask(spec.task()).run(spec.withTraceparent(trace),
          new JobInput(objects, input, spec.inputBytes(), blocking, mat).traced(trace),
          new JobOutput(objects, resultsBucket, jobId, attempt, blocking, progress).traced(trace), mat);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Writes the result document (unless the task wrote its result object itself), then reports success;
   * a job cancelled meanwhile has its result deleted.
   */
  private CompletionStage<Done> finish(StartReply go, CompletionStage<TaskRunner.TaskResult> result, String trace) {
    return result
        .thenCompose(r -> written(go, r, trace))
        .thenCompose(out -> this.<Ack>retried(go.jobId(), r -> new JobCommand.Complete(go.attempt(), out.uri().toString(), out.timings(), r))
            .thenCompose(ack -> {
              if (!ack.discard()) return CompletableFuture.completedFuture(Done.getInstance());
              // Cancelled while running, or not the attempt that counts: the result must not outlive the decision.
              return CompletableFuture.supplyAsync(() -> {
                objects.delete(out.uri());
                return Done.getInstance();
              }, blocking);
            }));
  }

  /** The attempt's result object, and the time it took to write. */
  private record Written(S3Uri uri, JobTimings timings) {}

  /**
   * Writes the result document in one PUT through Pekko Connectors S3 (no thread waits on it), unless
   * the task wrote its result object itself.
   */
  private CompletionStage<Written> written(StartReply go, TaskRunner.TaskResult r, String trace) {
    if (r.resultObject() != null)
      return CompletableFuture.completedFuture(
          new Written(r.resultObject(), new JobTimings(r.readMicros(), r.inferenceMicros(), r.writeMicros())));
    S3Uri document = new S3Uri(resultsBucket, JobResults.key(go.jobId(), go.attempt()));
    long start = System.nanoTime();
    Span put = StorageSpans.start("s3.put", document, trace);
    CompletionStage<ObjectInfo> stored;
    try {
      ByteString bytes = ByteString.fromArrayUnsafe(document(go, r));
      put.tag("s3.bytes", bytes.size());
      stored = objects.put(document, bytes, "application/json").runWith(Sink.head(), mat);
    } catch (RuntimeException e) { // the breaker is open, or the document could not be written
      stored = CompletableFuture.failedFuture(e);
    }
    return Tracing.finishWhen(put, stored).thenApply(info ->
        new Written(document, new JobTimings(r.readMicros(), r.inferenceMicros(), (System.nanoTime() - start) / 1000)));
  }

  private CompletionStage<Done> reportFailure(StartReply go, Throwable failure, Span span) {
    JobFailures.Verdict v = JobFailures.classify(failure);
    span.fail(v.reason());
    Tracing.withCurrent(span, () -> LOG.info("Job {} attempt {} failed ({}): {}", go.jobId(), go.attempt(),
        v.retryable() ? "transient" : "permanent", v.reason()));
    return this.<Ack>retried(go.jobId(), r -> new JobCommand.Fail(go.attempt(), v.reason(), v.retryable(), v.waiting(), r))
        .thenApply(ack -> Done.getInstance())
        .exceptionally(t -> {
          LOG.warn("Job {}: the failure could not be reported ({}); the sweeper will notice", go.jobId(), t.getMessage());
          return Done.getInstance();
        });
  }

  /** The result object: which job and input it answers, the task's result, and where the time went. */
  record ResultDocument(String jobId, String task, String input, int attempt, @JsonRawValue String result, Timings timings) {}

  record Timings(double readMs, double inferenceMs) {}

  private static byte[] document(StartReply go, TaskRunner.TaskResult result) {
    try {
      return JsonMappers.shared().writeValueAsBytes(new ResultDocument(go.jobId(), go.spec().task(), go.spec().input(),
          go.attempt(), new String(result.resultJson(), StandardCharsets.UTF_8),
          new Timings(result.readMicros() / 1000.0, result.inferenceMicros() / 1000.0)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An ask of the job's entity, asked again with backoff when the entity or its reply does not come:
   * it may be recovering or moving, and outcomes must reach it.
   */
  private <T> CompletionStage<T> retried(String jobId, Function<ActorRef<T>, JobCommand> message) {
    return Patterns.retry(() -> sharding.entityRefFor(key, jobId).ask(message::apply, askTimeout),
        REPORT_ATTEMPTS, Duration.ofMillis(200), Duration.ofSeconds(5), 0.2, system.classicSystem().scheduler(),
        system.executionContext());
  }
}

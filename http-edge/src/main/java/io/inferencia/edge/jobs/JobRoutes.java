package io.inferencia.edge.jobs;

import io.inferencia.edge.tracing.RestTracing;

import io.inferencia.edge.api.ApiProblem;
import io.inferencia.edge.api.ApiRoutes;
import io.inferencia.edge.api.Problems;
import io.inferencia.edge.auth.Authorized;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import io.inferencia.protocols.jobs.JobViewRepository;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@code /v1/jobs}: submit by reference (202 with the id in milliseconds), read one job with a
 * pre-signed result URL, follow it as Server-Sent Events (history, then live, ending after the final
 * transition; {@code Last-Event-ID} resumes), cancel, and list from the read side with keyset paging.
 */
public final class JobRoutes extends ApiRoutes {
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 500;

  private final JobSubmissions submissions;
  private final JobsClient jobs;
  private final JobViewRepository views;
  private final JobJson json;
  private final Executor blocking;

  public JobRoutes(Authorized auth, JobSubmissions submissions, JobsClient jobs, JobViewRepository views, JobJson json,
      Executor blocking) {
    super(auth);
    this.submissions = submissions;
    this.jobs = jobs;
    this.views = views;
    this.json = json;
    this.blocking = blocking;
  }

  public Route route() {
    return pathPrefix("jobs", () -> withTenant(tenant -> concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> submit(tenant)),
            get(() -> list(tenant)))),
        pathPrefix(PathMatchers.segment(), jobId -> concat(
            pathEndOrSingleSlash(() -> concat(
                get(() -> replyJson(owned(tenant, jobId).thenApply(json::job), StatusCodes.OK)),
                delete(() -> replyJson(owned(tenant, jobId)
                    .thenCompose(v -> jobs.cancel(jobId, "cancelled by the client"))
                    .thenApply(json::job), StatusCodes.OK)))),
            path("events", () -> get(() -> events(tenant, jobId))))))));
  }

  private Route submit(String tenant) {
    return extractRequest(http -> optionalHeaderValueByName("Idempotency-Key", key -> withBody(JobRequest.class, field -> "invalid-job", request ->
      onComplete(submissions.submit(tenant, request, key, RestTracing.traceparent(http)), result -> {
        if (result.isFailure()) return problem(Problems.classify(result.failed().get()));
        JobView v = result.get();
        String statusUrl = "/v1/jobs/" + v.jobId();
        return respondWithHeader(Location.create(statusUrl), () ->
            json(StatusCodes.ACCEPTED, json.submitted(v, statusUrl)));
      }))));
  }

  private Route list(String tenant) {
    return parameterOptional("status", status -> parameterOptional("limit", limit -> parameterOptional("cursor", cursor -> {
      JobStatus s = status.map(JobRoutes::status).orElse(null);
      int n = limit.map(JobRoutes::limit).orElse(DEFAULT_LIMIT);
      CompletionStage<JobJson.Page> page = CompletableFuture.supplyAsync(() -> {
        try {
          return json.page(views.list(tenant, s, n, cursor.orElse(null)));
        } catch (IllegalArgumentException e) {
          throw ApiProblem.badRequest("invalid-cursor", e.getMessage());
        }
      }, blocking);
      return replyJson(page, StatusCodes.OK);
    })));
  }

  private Route events(String tenant, String jobId) {
    return optionalHeaderValueByName("Last-Event-ID", lastId -> onComplete(owned(tenant, jobId), owned -> {
      if (owned.isFailure()) return problem(Problems.classify(owned.failed().get()));
      long after = lastId.map(JobRoutes::lastEventId).orElse(0L);
      Source<ServerSentEvent, NotUsed> events = jobs.watch(jobId, after)
          .mapAsync(1, t -> sse(jobId, t))
          .keepAlive(HEARTBEAT, ServerSentEvent::heartbeat);
      return respondWithHeader(RawHeader.create("Cache-Control", "no-cache"), () ->
          completeOK(events, EventStreamMarshalling.toEventStream()));
    }));
  }

  /** The last transition carries the job as GET shows it, with its result URL. */
  private CompletionStage<ServerSentEvent> sse(String jobId, JobTransition t) {
    JobJson.Transition data = json.transition(jobId, t);
    CompletionStage<JobJson.Transition> full = t.status().isTerminal()
        ? jobs.get(jobId).thenApply(v -> data.withJob(json.job(v)))
        : CompletableFuture.completedFuture(data);
    return full.thenApply(d -> ServerSentEvent.create(sseData(d), t.event(), Long.toString(t.seqNr())));
  }

  /** SSE data is text: the record written by the shared mapper (one line, JSON escapes newlines). */
  private static String sseData(JobJson.Transition d) {
    try {
      return MAPPER.writeValueAsString(d);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a job transition could not be written as JSON", e);
    }
  }

  /** The job, if it belongs to the caller; someone else's job is as unknown as a missing one. */
  private CompletionStage<JobView> owned(String tenant, String jobId) {
    if (jobId.length() > 64) return CompletableFuture.failedFuture(ApiProblem.notFound("job-not-found", "job " + jobId + " does not exist"));
    return jobs.get(jobId).thenApply(v -> {
      if (!v.tenant().equals(tenant)) throw ApiProblem.notFound("job-not-found", "job " + jobId + " does not exist");
      return v;
    });
  }

  private static JobStatus status(String s) {
    try {
      return JobStatus.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest("invalid-status", "status must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED");
    }
  }

  private static int limit(String s) {
    try {
      int n = Integer.parseInt(s);
      if (n >= 1 && n <= MAX_LIMIT) return n;
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiProblem.badRequest("invalid-limit", "limit must be an integer from 1 to " + MAX_LIMIT);
  }

  private static long lastEventId(String s) {
    try {
      return Math.max(0, Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest("invalid-last-event-id", "Last-Event-ID must be an event id this stream sent");
    }
  }
}

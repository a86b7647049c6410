package io.inferencia.edge.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.inferencia.protocols.jobs.JobProgress;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import io.inferencia.protocols.jobs.JobViewRepository;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The jobs API's JSON as records bound by the shared mapper: a job ({@code jobId, task, input, status,
 * createdAt, updatedAt, attempts, error, output: {uri, url}}), where {@code url} is a pre-signed GET of
 * the result (signing is local, no I/O), a page of jobs, a submission's answer, and a transition as sent
 * over Server-Sent Events.
 */
public final class JobJson {
  /** The transition a long job's progress reports make. */
  static final String PROGRESS_EVENT = "Progress";
  private final ObjectStore objects;
  private final Duration urlTtl;

  public JobJson(ObjectStore objects, Duration urlTtl) {
    this.objects = objects;
    this.urlTtl = urlTtl;
  }

  /** A job as GET shows it; {@code timings} only once it succeeded, {@code progress} while a long job runs. */
  public record Job(String jobId, String task, String input, String status, String createdAt, String updatedAt,
      int attempts, String error, Output output, @JsonInclude(JsonInclude.Include.NON_NULL) Timings timings,
      @JsonInclude(JsonInclude.Include.NON_NULL) Progress progress) {}

  /** Bytes of the input done, of the total, and that as a fraction. */
  public record Progress(long bytesDone, long bytesTotal, double fraction) {
    static Progress of(JobProgress p) {
      return p == null ? null
          : new Progress(p.bytesDone(), p.bytesTotal(), p.bytesTotal() <= 0 ? 0 : (double) p.bytesDone() / p.bytesTotal());
    }
  }

  /** Where the result is: its {@code s3://} URI and, when it parses as one, a pre-signed GET. */
  public record Output(String uri, @JsonInclude(JsonInclude.Include.NON_NULL) String url) {}

  public record Timings(double downloadMs, double inferenceMs, double uploadMs) {}

  /** A page of the list: {@code nextCursor} is null on the last page. */
  public record Page(List<Job> jobs, String nextCursor) {}

  public record Submitted(String jobId, String status, String statusUrl) {}

  /** One SSE event's data; the final transition carries the job as GET shows it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Transition(String jobId, long seq, String event, String status, int attempt, String at, String detail,
      Progress progress, Job job) {
    public Transition withJob(Job j) {
      return new Transition(jobId, seq, event, status, attempt, at, detail, progress, j);
    }
  }

  public Job job(JobView v) {
    Timings timings = v.status() == JobStatus.SUCCEEDED && v.timings() != null
        ? new Timings(v.timings().downloadMicros() / 1000.0, v.timings().inferenceMicros() / 1000.0,
            v.timings().uploadMicros() / 1000.0)
        : null;
    return new Job(v.jobId(), v.task(), v.input(), v.status().name(), iso(v.createdAt()), iso(v.updatedAt()),
        v.attempts(), v.error() == null || v.error().isEmpty() ? null : v.error(), output(v.status(), v.output()), timings,
        v.status() == JobStatus.RUNNING ? Progress.of(v.progress()) : null);
  }

  public Job row(JobViewRepository.Row r) {
    return new Job(r.jobId(), r.task(), r.input(), r.status().name(), iso(r.createdAt()), iso(r.updatedAt()),
        r.attempts(), r.error(), output(r.status(), r.output()), null, null);
  }

  public Page page(JobViewRepository.Page p) {
    return new Page(p.jobs().stream().map(this::row).toList(), p.nextCursor());
  }

  public Submitted submitted(JobView v, String statusUrl) {
    return new Submitted(v.jobId(), v.status().name(), statusUrl);
  }

  public Transition transition(String jobId, JobTransition t) {
    Progress progress = t.event().equals(PROGRESS_EVENT) ? Progress.of(JobProgress.fromDetail(t.detail())) : null;
    return new Transition(jobId, t.seqNr(), t.event(), t.status().name(), t.attempt(), iso(t.at()),
        t.detail() == null || t.detail().isEmpty() ? null : t.detail(), progress, null);
  }

  private Output output(JobStatus status, String output) {
    if (status != JobStatus.SUCCEEDED || output == null || output.isEmpty()) return null;
    String url = S3Uri.parse(output).map(uri -> ResultLinks.url(objects, uri, urlTtl)).orElse(null);
    return new Output(output, url);
  }

  static String iso(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }
}

package io.inferencia.edge.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferencia.protocols.jobs.JobStatus;
import io.inferencia.protocols.jobs.JobTransition;
import io.inferencia.protocols.jobs.JobView;
import io.inferencia.protocols.jobs.JobViewRepository;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.time.Duration;
import java.time.Instant;
import io.inferencia.protocols.json.JsonMappers;

/**
 * The jobs API's JSON: a job ({@code jobId, task, input, status, createdAt, updatedAt, attempts, error,
 * output: {uri, url}}), where {@code url} is a pre-signed GET of the result (signing is local, no I/O),
 * and a transition as sent over Server-Sent Events.
 */
public final class JobJson {
  static final ObjectMapper MAPPER = JsonMappers.shared();
  private final ObjectStore objects;
  private final Duration urlTtl;

  public JobJson(ObjectStore objects, Duration urlTtl) {
    this.objects = objects;
    this.urlTtl = urlTtl;
  }

  public ObjectNode job(JobView v) {
    ObjectNode o = MAPPER.createObjectNode()
        .put("jobId", v.jobId())
        .put("task", v.task())
        .put("input", v.input())
        .put("status", v.status().name())
        .put("createdAt", iso(v.createdAt()))
        .put("updatedAt", iso(v.updatedAt()))
        .put("attempts", v.attempts());
    if (v.error() == null || v.error().isEmpty()) o.putNull("error");
    else o.put("error", v.error());
    output(o, v.status(), v.output());
    if (v.status() == JobStatus.SUCCEEDED && v.timings() != null) {
      ObjectNode t = o.putObject("timings");
      t.put("downloadMs", v.timings().downloadMicros() / 1000.0);
      t.put("inferenceMs", v.timings().inferenceMicros() / 1000.0);
      t.put("uploadMs", v.timings().uploadMicros() / 1000.0);
    }
    return o;
  }

  public ObjectNode row(JobViewRepository.Row r) {
    ObjectNode o = MAPPER.createObjectNode()
        .put("jobId", r.jobId())
        .put("task", r.task())
        .put("input", r.input())
        .put("status", r.status().name())
        .put("createdAt", iso(r.createdAt()))
        .put("updatedAt", iso(r.updatedAt()))
        .put("attempts", r.attempts());
    if (r.error() == null) o.putNull("error");
    else o.put("error", r.error());
    output(o, r.status(), r.output());
    return o;
  }

  public ObjectNode submitted(JobView v, String statusUrl) {
    return MAPPER.createObjectNode().put("jobId", v.jobId()).put("status", v.status().name()).put("statusUrl", statusUrl);
  }

  public ObjectNode transition(String jobId, JobTransition t) {
    ObjectNode o = MAPPER.createObjectNode()
        .put("jobId", jobId)
        .put("seq", t.seqNr())
        .put("event", t.event())
        .put("status", t.status().name())
        .put("attempt", t.attempt())
        .put("at", iso(t.at()));
    if (t.detail() != null && !t.detail().isEmpty()) o.put("detail", t.detail());
    return o;
  }

  private void output(ObjectNode o, JobStatus status, String output) {
    if (status != JobStatus.SUCCEEDED || output == null || output.isEmpty()) {
      o.putNull("output");
      return;
    }
    ObjectNode out = o.putObject("output").put("uri", output);
    S3Uri.parse(output).ifPresent(uri -> out.put("url", objects.presignGet(uri, urlTtl).url()));
  }

  static String iso(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }
}

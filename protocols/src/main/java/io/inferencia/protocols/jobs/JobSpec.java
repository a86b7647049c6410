package io.inferencia.protocols.jobs;

import io.inferencia.protocols.CborSerializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client asked for, as accepted: the task ({@code ocr}, {@code vad} or a model name), a pointer
 * to the uploaded input, flat parameters, and what the edge found when it checked the object.
 *
 * @param input {@code s3://bucket/key} of the input object
 * @param inputBytes the object's size at submission
 * @param traceparent the W3C trace context of the span that accepted the job ({@code ""} for none):
 *     the worker's spans join that trace, whenever and wherever the job runs
 */
public record JobSpec(String tenant, String task, String input, Map<String, String> params, long inputBytes,
    String contentType, String traceparent) implements CborSerializable {
  public JobSpec {
    params = params == null ? Map.of() : Map.copyOf(params);
    contentType = contentType == null ? "" : contentType;
    traceparent = traceparent == null ? "" : traceparent;
  }

  /** An untraced submission. */
  public JobSpec(String tenant, String task, String input, Map<String, String> params, long inputBytes, String contentType) {
    this(tenant, task, input, params, inputBytes, contentType, "");
  }

  public JobSpec withTraceparent(String newTraceparent) {
    return new JobSpec(tenant, task, input, params, inputBytes, contentType, newTraceparent);
  }

  /** The request fields that define "the same body" for idempotent submission. */
  public String fingerprint() {
    return task + "\n" + input + "\n" + new TreeMap<>(params);
  }
}

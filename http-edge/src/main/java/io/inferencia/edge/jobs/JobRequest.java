package io.inferencia.edge.jobs;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.inferencia.edge.api.ApiProblem;
import io.inferencia.edge.json.ScalarText;
import io.inferencia.edge.json.Validated;
import io.inferencia.protocols.stego.StegoParams;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job submission as the client sent it: {@code {"task": ..., "input": "s3://intake/...", "params": {...}}}.
 * Parameters are flat: string, number or boolean values (kept as strings). The REST edge binds it
 * strictly, so unknown fields and values of the wrong type are refused and a typo does not silently
 * change what runs; {@link #validate} holds the limits for REST and gRPC alike.
 */
public record JobRequest(String task, String input, @JsonDeserialize(contentUsing = ScalarText.class) Map<String, String> params)
    implements Validated {
  private static final int MAX_TEXT = 2048;
  private static final int MAX_PARAMS = 64;
  private static final int MAX_PARAM_NAME = 128;
  private static final int MAX_PARAM_CHARS = 1024;

  public JobRequest {
    params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  @Override
  public void validate() {
    text("task", task);
    text("input", input);
    if (params.size() > MAX_PARAMS) throw invalid("'params' has more than " + MAX_PARAMS + " entries");
    params.forEach((name, value) -> {
      if (value == null) throw invalid("param '" + name + "' must be a string, number or boolean");
      if (name.length() > MAX_PARAM_NAME || value.length() > maxChars(name)) throw invalid("param '" + name + "' is too long");
    });
  }

  /** A stego secret text is checked in bytes of UTF-8 by its task ({@link StegoParams#MAX_TEXT_BYTES}), with its own message. */
  private static int maxChars(String param) {
    return param.equals(StegoParams.SECRET_TEXT) ? 4 * StegoParams.MAX_TEXT_BYTES : MAX_PARAM_CHARS;
  }

  private static void text(String field, String value) {
    if (value == null) throw invalid("'" + field + "' is required");
    if (value.isBlank()) throw invalid("'" + field + "' must be a non-empty string");
    if (value.length() > MAX_TEXT) throw invalid("'" + field + "' is too long");
  }

  private static ApiProblem invalid(String detail) {
    return ApiProblem.badRequest("invalid-job", detail);
  }
}

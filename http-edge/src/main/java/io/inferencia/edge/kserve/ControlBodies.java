package io.inferencia.edge.kserve;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.inferencia.edge.json.BodyRejected;
import io.inferencia.edge.json.ScalarText;
import io.inferencia.edge.json.StrictJson;
import io.inferencia.edge.json.Validated;
import io.inferencia.protocols.inference.InferenceException;
import java.io.IOException;
import java.util.Map;

/**
 * The small JSON bodies of the KServe control calls (repository index and load, shared-memory
 * registration, log settings), bound strictly by the shared mapper. Refusals are INVALID_ARGUMENT with
 * the protocol's error body, and say which request and field.
 */
final class ControlBodies {
  private ControlBodies() {}

  /** Binds {@code body}; {@code request} names it in messages ("register request"). */
  static <T> T read(byte[] body, Class<T> type, String request) {
    try {
      return StrictJson.read(body, type);
    } catch (BodyRejected r) {
      throw InferenceException.invalid(r.kind() == BodyRejected.Kind.NOT_AN_OBJECT
          ? request + " must be a JSON object"
          : request + ": " + r.getMessage());
    }
  }

  /** Log settings to change, by name; {@code LogControl} checks names and values for REST and gRPC alike. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> logSettings(byte[] body) {
    return read(body, Map.class, "log settings request");
  }

  /** {@code POST /v2/repository/index}: {@code {"ready": true}} lists only ready models. */
  record IndexRequest(Boolean ready) {
    boolean readyOnly() {
      return ready != null && ready;
    }
  }

  /** Triton's load: {@code {"parameters": {"config": "<model config JSON>"}}}; ConfigOverride judges the parameters. */
  record LoadRequest(@JsonDeserialize(contentUsing = ParameterText.class) Map<String, String> parameters) {
    LoadRequest {
      parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }
  }

  /** {@code {"key": "/name", "offset": n, "byte_size": n}}: a region of a POSIX shared memory object. */
  record RegisterRequest(String key, Long offset, @JsonProperty("byte_size") Long byteSize) implements Validated {
    RegisterRequest {
      offset = offset == null ? 0L : offset;
    }

    @Override
    public void validate() {
      if (key == null) throw InferenceException.invalid("register request needs 'key' (string)");
      if (byteSize == null) throw InferenceException.invalid("register request needs 'byte_size' (integer)");
      nonNegative("offset", offset);
      nonNegative("byte_size", byteSize);
    }

    private static void nonNegative(String field, long value) {
      if (value < 0)
        throw InferenceException.invalid("register request: '" + field + "' must be a non-negative integer, got " + value);
    }
  }

  /**
   * A load parameter's value as text. Triton sends the config as a JSON string; an object is taken as the
   * same config, written back as JSON text.
   */
  static final class ParameterText extends ScalarText {
    @Override
    protected String other(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.isExpectedStartObjectToken()) return ctxt.readTree(p).toString();
      return super.other(p, ctxt);
    }

    @Override
    protected String accepts() {
      return "a string, number, boolean or object";
    }
  }
}

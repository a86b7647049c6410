package io.inferencia.edge.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencia.edge.api.ApiProblem;
import io.inferencia.edge.api.ApiRoutes;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import io.inferencia.protocols.json.JsonMappers;

/**
 * A job submission as the client sent it: {@code {"task": ..., "input": "s3://intake/...", "params": {...}}}.
 * Parameters are flat: string, number or boolean values (kept as strings). Unknown fields are refused,
 * so a typo does not silently change what runs.
 */
public record JobRequest(String task, String input, Map<String, String> params) {
  static final ObjectMapper MAPPER = JsonMappers.shared();
  private static final Set<String> FIELDS = Set.of("task", "input", "params");
  private static final int MAX_PARAMS = 64;
  private static final int MAX_PARAM_CHARS = 1024;

  public JobRequest {
    params = Map.copyOf(params);
  }

  public static JobRequest parse(byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw ApiRoutes.invalidJson(e);
    }
    if (root == null || !root.isObject()) throw ApiProblem.badRequest("invalid-job", "the body must be a JSON object");
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) throw ApiProblem.badRequest("invalid-job", "unknown field '" + f + "' (expected task, input, params)");
    }
    return new JobRequest(text(root, "task"), text(root, "input"), params(root.get("params")));
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) throw ApiProblem.badRequest("invalid-job", "'" + field + "' is required");
    if (!n.isTextual() || n.asText().isBlank()) throw ApiProblem.badRequest("invalid-job", "'" + field + "' must be a non-empty string");
    if (n.asText().length() > 2048) throw ApiProblem.badRequest("invalid-job", "'" + field + "' is too long");
    return n.asText();
  }

  static Map<String, String> params(JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) return out;
    if (!n.isObject()) throw ApiProblem.badRequest("invalid-job", "'params' must be an object");
    if (n.size() > MAX_PARAMS) throw ApiProblem.badRequest("invalid-job", "'params' has more than " + MAX_PARAMS + " entries");
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!(v.isTextual() || v.isNumber() || v.isBoolean()))
        throw ApiProblem.badRequest("invalid-job", "param '" + e.getKey() + "' must be a string, number or boolean");
      String value = v.asText();
      if (e.getKey().length() > 128 || value.length() > MAX_PARAM_CHARS)
        throw ApiProblem.badRequest("invalid-job", "param '" + e.getKey() + "' is too long");
      out.put(e.getKey(), value);
    }
    return out;
  }
}

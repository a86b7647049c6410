package io.inferencia.edge.kserve;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.edge.logging.LogControl;
import io.inferencia.edge.logging.LogSettings;
import io.inferencia.protocols.inference.InferenceException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** Triton's logging extension over REST: {@code GET /v2/logging} and {@code POST /v2/logging} (changed settings only). */
final class LoggingRoutes extends AllDirectives {
  private final LogControl control;
  private final SharedMemoryRoutes.BodyRoute readBody;

  LoggingRoutes(LogControl control, SharedMemoryRoutes.BodyRoute readBody) {
    this.control = control;
    this.readBody = readBody;
  }

  Route route() {
    return path("logging", () -> concat(
        get(() -> {
          try {
            return complete(json(control.current()));
          } catch (RuntimeException e) { // no logback: UNAVAILABLE
            return complete(RestErrors.response(e));
          }
        }),
        post(() -> readBody.apply(body -> {
          JsonNode req = KServeRoutes.parse(body);
          if (!req.isObject()) throw InferenceException.invalid("log settings request must be a JSON object");
          Map<String, Object> changes = new LinkedHashMap<>();
          req.properties().forEach(e -> changes.put(e.getKey(), value(e.getValue())));
          return CompletableFuture.completedFuture(json(control.update(changes)));
        }))));
  }

  private static Object value(JsonNode v) {
    if (v.isTextual()) return v.asText();
    if (v.isBoolean()) return v.booleanValue();
    if (v.isIntegralNumber() && v.canConvertToLong()) return v.asLong();
    return v.toString();
  }

  static HttpResponse json(LogSettings s) {
    return KServeRoutes.json(KServeJson.logging(s));
  }
}

package io.inferencia.edge.kserve;

import io.inferencia.edge.logging.LogControl;
import io.inferencia.edge.logging.LogSettings;
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
          return CompletableFuture.completedFuture(json(control.update(ControlBodies.logSettings(body))));
        }))));
  }

  static HttpResponse json(LogSettings s) {
    return KServeRoutes.json(KServeJson.logging(s));
  }
}

package io.inferencia.edge;

import io.inferencia.edge.auth.Authenticator;
import io.inferencia.edge.auth.Authorized;
import io.inferencia.edge.health.ReadinessChecks;
import io.inferencia.edge.kserve.KServeRoutes;
import io.inferencia.edge.kserve.RestErrors;
import io.inferencia.edge.logging.LogControl;
import io.inferencia.edge.shm.SharedMemoryRegions;
import io.inferencia.protocols.inference.InferenceGateway;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Assembles the REST edge: the KServe v2 routes plus any others (the {@code /v1} jobs API later),
 * sealed so that every error, rejection and unknown path answers with the protocol's JSON error body.
 */
public final class EdgeRoutes extends AllDirectives {
  private EdgeRoutes() {}

  /** KServe v2 routes followed by {@code more} (e.g. {@code JobRoutes}), with JSON error handling. */
  public static Route create(InferenceGateway gateway, EdgeSettings settings, SharedMemoryRegions regions, LogControl logs,
      Authenticator auth, ReadinessChecks readiness, Route... more) {
    List<Route> all = new ArrayList<>();
    all.add(new KServeRoutes(gateway, settings, regions, logs, new Authorized(auth), readiness).route());
    all.addAll(List.of(more));
    return seal(all);
  }

  public static Route seal(List<Route> routes) {
    EdgeRoutes d = new EdgeRoutes();
    Route first = routes.get(0);
    Route[] rest = routes.subList(1, routes.size()).toArray(new Route[0]);
    // Pekko's request-timeout (kept above edge.ask-timeout) answers in the protocol's error shape too.
    return d.withRequestTimeoutResponse(
        request -> RestErrors.response(StatusCodes.SERVICE_UNAVAILABLE, "the server did not answer in time"),
        () -> d.handleExceptions(RestErrors.exceptionHandler(), () ->
            d.handleRejections(RestErrors.rejectionHandler(), () -> d.concat(first, rest))));
  }
}

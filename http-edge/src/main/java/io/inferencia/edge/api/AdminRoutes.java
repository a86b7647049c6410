package io.inferencia.edge.api;

import io.inferencia.edge.auth.Authorized;
import io.inferencia.edge.auth.Role;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.inferencia.edge.GatewayCalls;
import io.inferencia.protocols.inference.InferenceGateway;
import io.inferencia.protocols.placement.ClusterAdmin;
import io.inferencia.protocols.placement.NodeView;
import io.inferencia.protocols.placement.ReplicaView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/admin}: where the replicas of every model version run ({@code placement}, filtered by
 * {@code ?model=} and {@code ?node=}), the gpu nodes with their devices' memory budgets ({@code nodes}),
 * and a model's scaling policy changed at run time ({@code PUT .../scaling}, one version or all). With
 * API keys configured every call needs one ({@link AdminAccess}); gateway failures answer with the
 * status {@link io.inferencia.edge.errors.ErrorMapping} gives them, as problems.
 */
public final class AdminRoutes extends ApiRoutes {
  private final InferenceGateway gateway;
  private final ClusterAdmin cluster;

  /** @param askTimeout {@code edge.ask-timeout}: the gateway's own deadline, one timer per request */
  public AdminRoutes(Authorized auth, InferenceGateway gateway, ClusterAdmin cluster, Duration askTimeout) {
    super(auth);
    this.gateway = gateway.within(askTimeout);
    this.cluster = cluster;
  }

  /** {@code {"replicas": [...]}}, the answer of {@code GET /v1/admin/placement}. */
  record Placement(List<ReplicaView> replicas) {
    /** The replicas on {@code node} of {@code model}, each filter only when given. */
    static Placement of(List<ReplicaView> all, Optional<String> model, Optional<String> node) {
      return new Placement(all.stream()
          .filter(r -> model.map(r.model()::equals).orElse(true))
          .filter(r -> node.map(r.node()::equals).orElse(true))
          .toList());
    }
  }

  /** {@code {"nodes": [...]}}, the answer of {@code GET /v1/admin/nodes}. */
  record Nodes(List<NodeView> nodes) {}

  public Route route() {
    return pathPrefix("admin", () -> admin(() -> concat(
        path("placement", () -> get(() -> parameterOptional("model", model -> parameterOptional("node", node ->
            reply(gateway::placement, replicas -> Placement.of(replicas, model, node)))))),
        path("nodes", () -> get(() -> reply(gateway::nodes, Nodes::new))),
        // The address is one path segment: pekko://inferencia@10.0.0.5:2551 percent-encoded, or 10.0.0.5:2551.
        pathPrefix("nodes", () -> pathPrefix(segment(), address -> path("drain", () -> post(() ->
            onComplete(GatewayCalls.call(() -> cluster.drain(address)), result -> result.isSuccess()
                ? json(StatusCodes.ACCEPTED, result.get())
                : problem(Problems.ofGateway(result.failed().get()))))))),
        pathPrefix("models", () -> pathPrefix(segment(), model -> concat(
            path("scaling", () -> scaling(model, "")),
            pathPrefix("versions", () -> pathPrefix(segment(), version ->
                path("scaling", () -> scaling(model, version))))))))));
  }

  /** {@code version} empty: every version of the model. */
  private Route scaling(String model, String version) {
    return put(() -> withBody(ScalingBody.class, field -> ScalingBody.PROBLEM, body ->
        reply(() -> gateway.scale(model, version, body.update()), policy -> policy)));
  }

  /** As the KServe admin extensions: the {@code admin} role when credentials are configured (401/403 problem otherwise). */
  private Route admin(Supplier<Route> inner) {
    return auth.as(Role.ADMIN, inner);
  }

  /** Asks the gateway; 200 with {@code body} of its answer as JSON, or the failure as a problem. */
  private <T> Route reply(Supplier<CompletionStage<T>> call, Function<T, Object> body) {
    return onComplete(GatewayCalls.call(call), result -> result.isSuccess()
        ? json(StatusCodes.OK, body.apply(result.get()))
        : problem(Problems.ofGateway(result.failed().get())));
  }
}

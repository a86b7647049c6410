package io.inferencia.edge;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.api.AdminAccess;
import io.inferencia.edge.errors.ErrorMapping;
import io.inferencia.edge.grpc.GrpcRequestLimit;
import io.inferencia.edge.grpc.IdentityResponseEncoding;
import io.inferencia.edge.grpc.InferenceGrpcService;
import io.inferencia.edge.grpc.UnaryInferHandler;
import io.inferencia.edge.logging.LogControl;
import io.inferencia.edge.shm.SharedMemoryRegions;
import io.inferencia.protocols.grpc.GRPCInferenceServicePowerApiHandlerFactory;
import io.inferencia.protocols.inference.InferenceGateway;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.Trailers;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;

/**
 * Binds the edge's two servers: KServe v2 REST over HTTP/1.1 and KServe v2 gRPC over HTTP/2 (h2c).
 * Each binding joins coordinated shutdown; a failed bind terminates the actor system, since a node
 * that cannot serve its edge is of no use.
 */
public final class EdgeServer {
  /** Graceful unbind: in-flight requests get this long to finish at shutdown. */
  private static final Duration HARD_TERMINATION = Duration.ofSeconds(10);

  private EdgeServer() {}

  /** Both bindings of a running edge. */
  public record Bindings(ServerBinding rest, ServerBinding grpc) {}

  /** As {@link #bind(ActorSystem, InferenceGateway, EdgeSettings, Route...)} with the {@code edge} config section. */
  public static CompletionStage<Bindings> bind(ActorSystem<?> system, InferenceGateway gateway, Route... moreRoutes) {
    return bind(system, gateway, EdgeSettings.fromConfig(system.settings().config()), moreRoutes);
  }

  /** REST and gRPC on the configured host and ports, serving the KServe routes plus {@code moreRoutes}. */
  public static CompletionStage<Bindings> bind(
      ActorSystem<?> system, InferenceGateway gateway, EdgeSettings settings, Route... moreRoutes) {
    return bindRest(system, settings, EdgeRoutes.create(gateway, settings, SharedMemoryRegions.get(system), LogControl.get(system),
        admins(system), moreRoutes))
        .thenCombine(bindGrpc(system, gateway, settings), Bindings::new);
  }

  /**
   * The whole edge: KServe REST plus {@code v1} (wrapped by {@code wrap}, e.g. to count request bytes),
   * and on the gRPC port the inference service plus the services of {@code moreGrpc}, routed by their
   * service name (path prefix).
   */
  public static CompletionStage<Bindings> bind(ActorSystem<?> system, InferenceGateway gateway, EdgeSettings settings,
      java.util.function.UnaryOperator<Route> wrap, Route v1, Map<String, Function<HttpRequest, CompletionStage<HttpResponse>>> moreGrpc) {
    Route rest = wrap.apply(EdgeRoutes.create(gateway, settings, SharedMemoryRegions.get(system), LogControl.get(system),
        admins(system), v1));
    return bindRest(system, settings, rest).thenCombine(bindGrpc(system, gateway, settings, moreGrpc), Bindings::new);
  }

  /** Serves {@code route} (build it with {@link EdgeRoutes#create}) on {@code settings.host():httpPort}. */
  public static CompletionStage<ServerBinding> bindRest(ActorSystem<?> system, EdgeSettings settings, Route route) {
    CompletionStage<ServerBinding> binding = Http.get(system)
        .newServerAt(settings.host(), settings.httpPort())
        .withSettings(serverSettings(system, settings, false))
        .bind(route);
    return register(system, binding, "REST");
  }

  /** Serves the gRPC inference service on {@code settings.host():grpcPort}. */
  public static CompletionStage<ServerBinding> bindGrpc(
      ActorSystem<?> system, InferenceGateway gateway, EdgeSettings settings) {
    return bindGrpc(system, gateway, settings, Map.of());
  }

  /** The inference service plus other gRPC services, each chosen by its {@code /package.Service/} path prefix. */
  public static CompletionStage<ServerBinding> bindGrpc(ActorSystem<?> system, InferenceGateway gateway,
      EdgeSettings settings, Map<String, Function<HttpRequest, CompletionStage<HttpResponse>>> moreGrpc) {
    InferenceGrpcService inference = new InferenceGrpcService(gateway, settings, SharedMemoryRegions.get(system), LogControl.get(system),
        admins(system));
    Function<HttpRequest, CompletionStage<HttpResponse>> service = GRPCInferenceServicePowerApiHandlerFactory.create(
        inference, sys -> EdgeServer::trailers, system);
    Function<HttpRequest, CompletionStage<HttpResponse>> encoded =
        settings.grpcCompressResponses() ? service : IdentityResponseEncoding.wrap(service);
    Function<HttpRequest, CompletionStage<HttpResponse>> checked =
        GrpcRequestLimit.wrap(encoded, settings.maxRequestBytes(), system);
    // The fast unary ModelInfer never compresses its answer, so it serves only where that is the setting.
    Function<HttpRequest, CompletionStage<HttpResponse>> limited = settings.grpcCompressResponses()
        ? checked
        : UnaryInferHandler.wrap(checked, inference, settings.maxRequestBytes(), Materializer.matFromSystem(system));
    Function<HttpRequest, CompletionStage<HttpResponse>> all = request -> {
      String path = request.getUri().path();
      for (Map.Entry<String, Function<HttpRequest, CompletionStage<HttpResponse>>> e : moreGrpc.entrySet())
        if (path.startsWith("/" + e.getKey() + "/")) return e.getValue().apply(request);
      return limited.apply(request);
    };
    CompletionStage<ServerBinding> binding = Http.get(system)
        .newServerAt(settings.host(), settings.grpcPort())
        .withSettings(serverSettings(system, settings, true))
        .bind(all);
    return register(system, binding, "gRPC");
  }

  private static AdminAccess admins(ActorSystem<?> system) {
    return AdminAccess.fromConfig(system.settings().config());
  }

  private static Trailers trailers(Throwable failure) {
    GrpcServiceException e = ErrorMapping.toGrpc(failure);
    return new Trailers(e.getStatus(), e.getMetadata());
  }

  private static ServerSettings serverSettings(ActorSystem<?> system, EdgeSettings settings, boolean http2) {
    // Bodies are limited by BodyReader (REST, unary gRPC) and per message (streaming gRPC), which answer
    // 413 / RESOURCE_EXHAUSTED properly; Pekko's own limit would only cut the connection.
    String common = "pekko.http.server.parsing.max-content-length = infinite\n"
        + "pekko.http.server.request-timeout = " + system.settings().config().getDuration("edge.request-timeout").toMillis() + "ms";
    // Pekko HTTP 1.1 still calls HTTP/2 a preview; without it gRPC clients cannot connect.
    Config overrides = ConfigFactory.parseString(http2 ? common + "\npekko.http.server.preview.enable-http2 = on" : common);
    return ServerSettings.create(overrides.withFallback(system.settings().config()));
  }

  private static CompletionStage<ServerBinding> register(
      ActorSystem<?> system, CompletionStage<ServerBinding> binding, String what) {
    return binding.whenComplete((b, failure) -> {
      if (failure != null) {
        system.log().error("{} edge failed to bind, terminating", what, failure);
        system.terminate();
      } else {
        b.addToCoordinatedShutdown(HARD_TERMINATION, system);
        system.log().info("{} edge bound to {}", what, b.localAddress());
      }
    });
  }
}

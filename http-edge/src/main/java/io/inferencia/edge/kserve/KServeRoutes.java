package io.inferencia.edge.kserve;

import io.inferencia.edge.tracing.RestTracing;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.inferencia.edge.BodyReader;
import io.inferencia.edge.EdgeSettings;
import io.inferencia.edge.GatewayCalls;
import io.inferencia.edge.api.ApiProblem;
import io.inferencia.edge.api.Problems;
import io.inferencia.edge.auth.Authorized;
import io.inferencia.edge.auth.Role;
import io.inferencia.edge.health.ReadinessChecks;
import io.inferencia.edge.logging.LogControl;
import io.inferencia.edge.shm.SharedMemoryRegions;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceGateway;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The KServe v2 REST protocol with Triton's binary tensor, model configuration, model repository,
 * shared-memory and logging extensions. Every handler asks the gateway (bounded by {@code edge.ask-timeout}) and never blocks.
 */
public final class KServeRoutes extends AllDirectives {
  /** Records as JSON through pekko-http-jackson, with the shared mapper. */
  private static final Marshaller<Object, RequestEntity> JSON = Jackson.marshaller(Json.MAPPER);
  private static final JsonFormat.Printer CONFIG_PRINTER = JsonFormat.printer().preservingProtoFieldNames();

  private final InferenceGateway gateway;
  private final EdgeSettings settings;
  private final SharedMemoryRegions regions;
  private final LogControl logs;
  private final Authorized auth;
  private final ReadinessChecks readiness;

  public KServeRoutes(InferenceGateway gateway, EdgeSettings settings, SharedMemoryRegions regions, LogControl logs,
      Authorized auth, ReadinessChecks readiness) {
    this.readiness = readiness;
    // The edge's deadline is the gateway's own ask timeout: one timer per request.
    this.gateway = gateway.within(settings.askTimeout());
    this.settings = settings;
    this.regions = regions;
    this.logs = logs;
    this.auth = auth;
  }

  /** All {@code /v2} routes, unsealed: combine them with others through {@link io.inferencia.edge.EdgeRoutes}. */
  public Route route() {
    return pathPrefix("v2", () -> concat(
        pathEndOrSingleSlash(() -> get(() -> inferRole(() -> complete(StatusCodes.OK, KServeJson.serverMetadata(settings), JSON)))),
        pathPrefix("health", () -> concat(
            path("live", () -> get(() -> complete(StatusCodes.OK, KServeJson.live(true), JSON))),
            path("ready", () -> get(this::serverReady)))),
        pathPrefix("models", () -> concat(
            // Before the model segment, as in Triton: statistics of every model, not a model named "stats".
            path("stats", () -> get(() -> inferRole(() -> statistics("", "")))),
            pathPrefix(segment(), model -> concat(
                modelRoutes(model, ""),
                pathPrefix("versions", () -> pathPrefix(segment(), version -> modelRoutes(model, version))))))),
        pathPrefix("repository", () -> concat(
            path("index", () -> post(() -> inferRole(this::index))),
            pathPrefix("models", () -> pathPrefix(segment(), model -> concat(
                path("load", () -> post(() -> admin(() -> load(model)))),
                path("unload", () -> post(() -> admin(() -> reply(() -> gateway.unload(model), v -> emptyOk()))))))))),
        admin(new SharedMemoryRoutes(regions, this::readBody).route()),
        admin(new LoggingRoutes(logs, this::readBody).route())));
  }

  /** The admin extensions need the {@code admin} role when credentials are configured: 401/403 problem otherwise. */
  private Route admin(Route inner) {
    return auth.as(Role.ADMIN, inner);
  }

  private Route admin(Supplier<Route> inner) {
    return auth.as(Role.ADMIN, inner);
  }

  /** Inference, metadata and statistics need the {@code infer} role; health and readiness stay anonymous. */
  private Route inferRole(Supplier<Route> inner) {
    return auth.as(Role.INFER, inner);
  }

  private Route modelRoutes(String model, String version) {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> inferRole(() ->
            reply(() -> gateway.metadata(model, version), m -> json(KServeJson.modelMetadata(m)))))),
        path("ready", () -> get(() -> reply(() -> gateway.modelReady(model, version), ready -> {
          // Health semantics of the protocol: 200 means true, a 4xx means false (Triton answers 400).
          return json(KServeJson.modelReady(model, ready)).withStatus(ready ? StatusCodes.OK : StatusCodes.BAD_REQUEST);
        }))),
        path("config", () -> get(() -> inferRole(() -> reply(() -> gateway.config(model, version), this::configJson)))),
        path("stats", () -> get(() -> inferRole(() -> statistics(model, version)))),
        // decodeRequest: tritonclient can gzip/deflate request bodies (Content-Encoding).
        path("infer", () -> post(() -> inferRole(() -> decodeRequest(() -> infer(model, version))))));
  }

  private Route statistics(String model, String version) {
    return reply(() -> gateway.statistics(model, version), stats -> json(StatisticsJson.response(stats)));
  }

  private Route serverReady() {
    return reply(() -> gateway.serverReady().thenApply(ready -> ready && readiness.allPass()), ready ->
        json(KServeJson.ready(ready)).withStatus(ready ? StatusCodes.OK : StatusCodes.BAD_REQUEST));
  }

  /** Triton's load, optionally with {"parameters": {"config": "<model config JSON>"}}. */
  private Route load(String model) {
    return readBody(body -> {
      Map<String, String> params = body.length == 0 ? Map.of()
          : ControlBodies.read(body, ControlBodies.LoadRequest.class, "load request").parameters();
      String config = ConfigOverride.configText(params);
      return GatewayCalls.call(() -> gateway.load(model, config)).thenApply(v -> emptyOk());
    });
  }

  private Route index() {
    return readBody(body -> {
      boolean readyOnly = body.length > 0
          && ControlBodies.read(body, ControlBodies.IndexRequest.class, "index request").readyOnly();
      return GatewayCalls.call(() -> gateway.index(readyOnly))
          .thenApply(entries -> json(KServeJson.index(entries)));
    });
  }

  private Route infer(String model, String version) {
    return extractRequest(http -> optionalHeaderValueByName(InferResponseJson.HEADER_LENGTH, headerLength -> readBody(body -> {
      InferRequestJson.Decoded decoded =
          InferRequestJson.decode(model, version, body, headerLength(headerLength, body.length), regions);
      return GatewayCalls.call(() -> gateway.infer(decoded.request().withTraceparent(RestTracing.traceparent(http))))
          .thenApply(response -> InferResponseJson.encode(response, decoded.plan()));
    })));
  }

  private static int headerLength(Optional<String> header, int bodyLength) {
    if (header.isEmpty()) return bodyLength;
    try {
      return Integer.parseInt(header.get().trim());
    } catch (NumberFormatException e) {
      throw InferenceException.invalid(
          InferResponseJson.HEADER_LENGTH + " must be an integer, got '" + header.get() + "'");
    }
  }

  /**
   * Reads the whole body, at most {@code edge.max-request-bytes} (413 beyond), then runs the handler;
   * a handler that throws or fails answers with the mapped JSON error.
   */
  private Route readBody(java.util.function.Function<byte[], CompletionStage<HttpResponse>> handler) {
    return withoutSizeLimit(() -> extractRequestEntity(entity -> extractMaterializer(mat ->
        completeWithFuture(BodyReader.read(entity, settings.maxRequestBytes(), mat)
            // No copy when the body arrived in one piece; the handlers only read it.
            .thenCompose(bytes -> handler.apply(bytes.toArrayUnsafe()))
            .exceptionally(RestErrors::response)))));
  }

  /** Asks the gateway and renders the answer, or the mapped error. */
  private <T> Route reply(Supplier<CompletionStage<T>> call, java.util.function.Function<T, HttpResponse> render) {
    return completeWithFuture(GatewayCalls.call(call)
        .thenApply(render)
        .exceptionally(RestErrors::response));
  }

  private HttpResponse configJson(io.inferencia.protocols.modelconfig.ModelConfig config) {
    try {
      return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, CONFIG_PRINTER.print(config)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("model config cannot be printed as JSON", e);
    }
  }

  static HttpResponse emptyOk() {
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, "{}"));
  }

  /** A 200 with {@code body} bound by the shared mapper (records, lists of records). */
  static HttpResponse json(Object body) {
    try {
      HttpEntity.Strict entity = HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.MAPPER.writeValueAsBytes(body));
      return HttpResponse.create().withEntity(entity);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}

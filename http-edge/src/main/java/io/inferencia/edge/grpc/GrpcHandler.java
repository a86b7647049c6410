package io.inferencia.edge.grpc;

import io.grpc.Status;
import io.inferencia.edge.EdgeSettings;
import io.inferencia.edge.errors.ErrorMapping;
import io.inferencia.edge.metrics.GrpcMetrics;
import io.inferencia.protocols.grpc.GRPCInferenceService;
import io.inferencia.protocols.grpc.GRPCInferenceServicePowerApiHandlerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.ServiceDescription;
import org.apache.pekko.grpc.Trailers;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;

/**
 * The gRPC port's handler: the generated KServe handler and any other services joined with Pekko
 * gRPC's {@link ServiceHandler#concatOrNotFound}, behind the edge's request limit and (unless responses
 * may be compressed) the fast unary ModelInfer. A call to no known service or method answers
 * UNIMPLEMENTED, as gRPC servers do, instead of a bare HTTP 404. Every call, whichever path served
 * it, is counted and timed by method and status in {@link GrpcMetrics}.
 */
public final class GrpcHandler {
  private GrpcHandler() {}

  public static Function<HttpRequest, CompletionStage<HttpResponse>> create(ClassicActorSystemProvider system,
      InferenceGrpcService inference, EdgeSettings settings, List<GrpcService> more) {
    Materializer mat = Materializer.matFromSystem(system);
    List<Function<HttpRequest, CompletionStage<HttpResponse>>> services = new ArrayList<>();
    services.add(GRPCInferenceServicePowerApiHandlerFactory.partial(inference, GRPCInferenceService.name, mat,
        sys -> GrpcHandler::trailers, system));
    List<ServiceDescription> descriptions = new ArrayList<>(List.of(GRPCInferenceService.description));
    for (GrpcService s : more) {
      services.add(s.handler());
      descriptions.add(s.description());
    }
    @SuppressWarnings("unchecked")
    Function<HttpRequest, CompletionStage<HttpResponse>> joined =
        ServiceHandler.concatOrNotFound(services.toArray(new Function[0]));
    Function<HttpRequest, CompletionStage<HttpResponse>> encoded =
        settings.grpcCompressResponses() ? joined : IdentityResponseEncoding.wrap(joined);
    Function<HttpRequest, CompletionStage<HttpResponse>> checked =
        GrpcRequestLimit.wrap(encoded, settings.maxRequestBytes(), system);
    // The fast unary ModelInfer never compresses its answer, so it serves only where that is the setting.
    Function<HttpRequest, CompletionStage<HttpResponse>> fast = settings.grpcCompressResponses()
        ? checked
        : UnaryInferHandler.wrap(checked, inference, settings.maxRequestBytes(), mat);
    return MeteredGrpcHandler.wrap(
        request -> fast.apply(request).thenApply(response -> unimplementedIfNotFound(request, response)),
        GrpcMetrics.of(descriptions));
  }

  private static HttpResponse unimplementedIfNotFound(HttpRequest request, HttpResponse response) {
    if (!response.status().equals(StatusCodes.NOT_FOUND) || response.getHeader("grpc-status").isPresent()) return response;
    Status status = Status.UNIMPLEMENTED.withDescription("unknown service or method " + request.getUri().path());
    GrpcClientErrorLog.refused(request.getUri().path(), status);
    return GrpcStatusResponses.trailersOnly(status, status.getDescription());
  }

  /** The generated handler's failures as trailers; those the service did not choose itself are logged briefly. */
  static Trailers trailers(Throwable failure) {
    GrpcServiceException e = ErrorMapping.toGrpc(failure);
    if (!(ErrorMapping.unwrap(failure) instanceof GrpcServiceException)) GrpcClientErrorLog.refused("", e.getStatus());
    return new Trailers(e.getStatus(), e.getMetadata());
  }
}

package io.inferencia.edge.grpc;

import io.grpc.Status;
import io.inferencia.edge.metrics.GrpcMetrics;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Trailer;
import org.apache.pekko.japi.function.Function;
import scala.Tuple2;

/**
 * Records every call of the gRPC port in {@link GrpcMetrics} once its status is known: at once for a
 * trailers-only answer (status in the headers) and for a unary one whose trailer comes as an attribute
 * (the fast ModelInfer and Pekko gRPC's unary answers), and at the end of the stream for a streamed one,
 * whose status is in the last chunk's trailer. Unary calls thus cost a header lookup and two
 * instrument updates; only streams get an extra stage.
 */
final class MeteredGrpcHandler {
  private static final String STATUS = "grpc-status";

  private MeteredGrpcHandler() {}

  static Function<HttpRequest, CompletionStage<HttpResponse>> wrap(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler, GrpcMetrics metrics) {
    return request -> {
      long start = System.nanoTime();
      GrpcMetrics.Method method = metrics.method(request.getUri().path());
      CompletionStage<HttpResponse> answer;
      try {
        answer = handler.apply(request);
      } catch (Exception e) {
        answer = CompletableFuture.failedFuture(e);
      }
      return answer.handle((response, failure) -> {
        if (failure == null) return measured(response, method, start);
        // Pekko answers a failed handler with HTTP 500, which clients read as UNKNOWN.
        method.record(Status.Code.UNKNOWN, System.nanoTime() - start);
        throw new CompletionException(failure);
      });
    };
  }

  private static HttpResponse measured(HttpResponse response, GrpcMetrics.Method method, long start) {
    Optional<HttpHeader> inHeaders = response.getHeader(STATUS);
    if (inHeaders.isPresent()) {
      method.record(code(inHeaders.get().value()), System.nanoTime() - start);
      return response;
    }
    Optional<Trailer> trailer = response.getAttribute(AttributeKeys.trailer);
    if (trailer.isPresent()) {
      method.record(code(trailer.get()), System.nanoTime() - start);
      return response;
    }
    if (response.entity() instanceof HttpEntity.Chunked chunked)
      return response.withEntity(ChunkedParts.replace(chunked, recordedAtEnd(chunked, method, start)));
    method.record(fromHttp(response.status().intValue()), System.nanoTime() - start);
    return response;
  }

  /**
   * The stream's parts, recording the call when it ends: with the status of the last chunk's trailer,
   * or CANCELLED when it ended without one (the client went away, or the connection broke).
   */
  private static org.apache.pekko.stream.javadsl.Source<HttpEntity.ChunkStreamPart, Object> recordedAtEnd(
      HttpEntity.Chunked chunked, GrpcMetrics.Method method, long start) {
    AtomicReference<Status.Code> seen = new AtomicReference<>(Status.Code.CANCELLED);
    return chunked.getChunks()
        .map(part -> {
          if (part.isLastChunk()) seen.set(code(part.getTrailerHeaders()));
          return part;
        })
        .watchTermination((mat, done) -> {
          done.whenComplete((d, failure) -> method.record(seen.get(), System.nanoTime() - start));
          return mat;
        });
  }

  private static Status.Code code(Iterable<HttpHeader> trailer) {
    for (HttpHeader h : trailer) if (h.is(STATUS)) return code(h.value());
    return Status.Code.UNKNOWN;
  }

  private static Status.Code code(Trailer trailer) {
    var headers = ((org.apache.pekko.http.scaladsl.model.Trailer) trailer).headers().iterator();
    while (headers.hasNext()) {
      Tuple2<String, String> h = headers.next();
      if (h._1().equalsIgnoreCase(STATUS)) return code(h._2());
    }
    return Status.Code.UNKNOWN;
  }

  /** grpc-status as a code; a value that is none is UNKNOWN, as clients read it. */
  private static Status.Code code(String value) {
    if (value.isEmpty() || value.length() > 2) return Status.Code.UNKNOWN;
    int n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') return Status.Code.UNKNOWN;
      n = n * 10 + (c - '0');
    }
    // Cached statuses for the known codes; any other value is UNKNOWN.
    return Status.fromCodeValue(n).getCode();
  }

  /** An answer without grpc-status, read as gRPC clients read its HTTP status (gRPC's http-grpc-status-mapping). */
  private static Status.Code fromHttp(int status) {
    return switch (status) {
      case 400 -> Status.Code.INTERNAL;
      case 401 -> Status.Code.UNAUTHENTICATED;
      case 403 -> Status.Code.PERMISSION_DENIED;
      case 404 -> Status.Code.UNIMPLEMENTED;
      case 429, 502, 503, 504 -> Status.Code.UNAVAILABLE;
      default -> Status.Code.UNKNOWN;
    };
  }
}

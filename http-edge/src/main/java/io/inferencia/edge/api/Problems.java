package io.inferencia.edge.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencia.edge.errors.ErrorMapping;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceFailure;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import java.nio.charset.StandardCharsets;
import io.inferencia.protocols.json.JsonMappers;

/**
 * RFC 9457 problem details for the {@code /v1} API: {@code application/problem+json} with type, title,
 * status, detail and instance. Pekko's own rejections (unknown path, wrong method, unreadable body)
 * get the same shape, so clients parse one error format.
 */
public final class Problems {
  public static final String TYPE_BASE = "https://inferencia.io/problems/";
  private static final ObjectMapper MAPPER = JsonMappers.shared();
  private static final ContentType PROBLEM_JSON =
      ContentTypes.create(MediaTypes.applicationWithFixedCharset("problem+json", org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8));

  private Problems() {}

  /** The problem+json body; {@code instance} (the request path) is left out when unknown. */
  public record Body(String type, String title, int status, String detail,
      @JsonInclude(JsonInclude.Include.NON_NULL) String instance) {}

  public static HttpResponse response(ApiProblem p, String instance) {
    Body body = new Body(TYPE_BASE + p.type(), p.title(), p.status(), p.detail(), instance);
    try {
      HttpResponse r = HttpResponse.create().withStatus(p.status())
          .withEntity(HttpEntities.create(PROBLEM_JSON, MAPPER.writeValueAsBytes(body)));
      // RFC 9110: a 401 names the scheme the client should use.
      if (p.retryAfterSeconds() > 0) r = r.addHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create(
          "Retry-After", Long.toString(p.retryAfterSeconds())));
      return p.status() == 401 ? r.addHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create(
          "WWW-Authenticate", "Bearer realm=\"inferencia\"")) : r;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Unwraps async wrappers; anything that is not an {@link ApiProblem} is a 500 without internals. */
  public static ApiProblem classify(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null)
      c = c.getCause();
    if (c instanceof ApiProblem p) return p;
    if (c instanceof TimeoutException) return ApiProblem.timeout("the server did not answer in time");
    return new ApiProblem(500, "internal", "Internal server error", "the request failed inside the server");
  }

  /**
   * A failed inference gateway call as a problem: the status {@link ErrorMapping} gives its error class
   * (as on the KServe routes: NOT_FOUND 404, INVALID_ARGUMENT 400, UNAVAILABLE 503, DEADLINE_EXCEEDED
   * 504, ...) with its message made safe for clients; the type is the class's name ({@code not-found}),
   * {@code timeout} for a deadline as in {@link ApiProblem#timeout}, the title the status's reason in
   * sentence case as {@link ApiProblem}'s own. An {@link ApiProblem} passes through.
   */
  public static ApiProblem ofGateway(Throwable t) {
    if (ErrorMapping.unwrap(t) instanceof ApiProblem p) return p;
    InferenceFailure f = ErrorMapping.classify(t);
    StatusCode status = ErrorMapping.httpStatus(f.kind());
    String type = f.kind() == ErrorKind.DEADLINE_EXCEEDED ? "timeout" : f.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
    String title = status.reason().charAt(0) + status.reason().substring(1).toLowerCase(Locale.ROOT);
    return new ApiProblem(status.intValue(), type, title, f.message());
  }

  public static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .matchAny(t -> Directives.extractUri(uri -> Directives.complete(response(classify(t), uri.path()))))
        .build();
  }

  /** Pekko's rejection statuses (404, 405 with Allow, 400 for malformed bodies) with problem bodies. */
  public static RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(Problems::asProblem);
  }

  private static HttpResponse asProblem(HttpResponse r) {
    if (r.entity() instanceof HttpEntity.Strict strict && !strict.getContentType().equals(PROBLEM_JSON)) {
      int status = r.status().intValue();
      String detail = strict.getData().decodeString(StandardCharsets.UTF_8);
      ApiProblem p = new ApiProblem(status, status == 404 ? "not-found" : status == 405 ? "method-not-allowed" : "bad-request",
          r.status().reason(), detail);
      return response(p, null).withHeaders(r.getHeaders());
    }
    return r;
  }

  public static boolean isServerError(ApiProblem p) {
    return p.status() >= StatusCodes.INTERNAL_SERVER_ERROR.intValue();
  }

  /** The gRPC status a problem maps to (as REST maps it to an HTTP status). */
  public static org.apache.pekko.grpc.GrpcServiceException toGrpc(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) c = c.getCause();
    if (c instanceof org.apache.pekko.grpc.GrpcServiceException g) return g; // already a status (e.g. from GrpcAuth)
    ApiProblem p = Problems.classify(t);
    io.grpc.Status status = switch (p.status()) {
      case 400, 422 -> io.grpc.Status.INVALID_ARGUMENT;
      case 401 -> io.grpc.Status.UNAUTHENTICATED;
      case 403 -> io.grpc.Status.PERMISSION_DENIED;
      case 404, 410 -> io.grpc.Status.NOT_FOUND;
      case 409 -> p.type().equals("job-finished") ? io.grpc.Status.FAILED_PRECONDITION : io.grpc.Status.ALREADY_EXISTS;
      case 413, 429 -> io.grpc.Status.RESOURCE_EXHAUSTED;
      case 503 -> io.grpc.Status.UNAVAILABLE;
      case 504 -> io.grpc.Status.DEADLINE_EXCEEDED;
      default -> io.grpc.Status.INTERNAL;
    };
    return new org.apache.pekko.grpc.GrpcServiceException(status.withDescription(p.detail()));
  }
}

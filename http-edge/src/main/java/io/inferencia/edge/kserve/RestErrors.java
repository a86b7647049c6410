package io.inferencia.edge.kserve;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.inferencia.edge.errors.ErrorMapping;
import io.inferencia.protocols.inference.InferenceFailure;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;

/**
 * REST error responses: the protocol's {@code {"error": "..."}} body with the status {@link
 * ErrorMapping} chose. Also turns Pekko's own rejections (404, 405, ...) into that body.
 */
public final class RestErrors {
  private RestErrors() {}

  public static HttpResponse response(Throwable failure) {
    InferenceFailure f = ErrorMapping.classify(failure);
    if (ErrorMapping.isTooLarge(failure)) return response(StatusCodes.CONTENT_TOO_LARGE, f.message());
    return response(ErrorMapping.httpStatus(f.kind()), f.message());
  }

  public static HttpResponse response(StatusCode status, String message) {
    return HttpResponse.create().withStatus(status).withEntity(json(message));
  }

  public static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder().matchAny(t -> Directives.complete(response(t))).build();
  }

  /** Pekko's default rejection handling (right statuses, 405 with Allow), re-bodied as JSON errors. */
  public static RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(RestErrors::asJsonError);
  }

  private static HttpResponse asJsonError(HttpResponse r) {
    if (r.entity() instanceof HttpEntity.Strict strict
        && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
      return r.withEntity(json(strict.getData().decodeString(StandardCharsets.UTF_8)));
    }
    return r;
  }

  private static HttpEntity.Strict json(String message) {
    try {
      return HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.MAPPER.writeValueAsBytes(KServeJson.error(message)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}

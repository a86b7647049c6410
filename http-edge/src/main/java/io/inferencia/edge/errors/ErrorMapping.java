package io.inferencia.edge.errors;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceFailure;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.internal.MissingParameterException;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;

/**
 * The one place where failures become protocol statuses. REST and gRPC both go through {@link
 * #classify} so that the same failure reads the same on both edges.
 *
 * <p>DEADLINE_EXCEEDED maps to 504 Gateway Timeout: the request was valid but the core did not answer
 * in time, which is what a proxy in front of a slow upstream reports. RESOURCE_EXHAUSTED maps to 429
 * (queue full, retry later); an oversized body is also RESOURCE_EXHAUSTED but answers 413, see {@link
 * #isTooLarge}.
 */
public final class ErrorMapping {
  private static final String NOT_IMPLEMENTED = "Not implemented: ";

  private ErrorMapping() {}

  public static StatusCode httpStatus(ErrorKind kind) {
    return switch (kind) {
      case NOT_FOUND -> StatusCodes.NOT_FOUND;
      case INVALID_ARGUMENT -> StatusCodes.BAD_REQUEST;
      case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
      case RESOURCE_EXHAUSTED -> StatusCodes.TOO_MANY_REQUESTS;
      case DEADLINE_EXCEEDED -> StatusCodes.GATEWAY_TIMEOUT;
      case ALREADY_EXISTS -> StatusCodes.CONFLICT;
      case PERMISSION_DENIED -> StatusCodes.FORBIDDEN;
      case INTERNAL -> StatusCodes.INTERNAL_SERVER_ERROR;
    };
  }

  public static Status grpcStatus(ErrorKind kind) {
    return switch (kind) {
      case NOT_FOUND -> Status.NOT_FOUND;
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case INTERNAL -> Status.INTERNAL;
    };
  }

  /**
   * Unwraps future wrappers and classifies the cause; unknown failures are INTERNAL. The message is
   * made safe for clients here, once for both edges: no internal class names, no source paths.
   */
  public static InferenceFailure classify(Throwable t) {
    InferenceFailure f = kindAndMessage(unwrap(t));
    return new InferenceFailure(f.kind(), SafeMessages.of(f.message()));
  }

  private static InferenceFailure kindAndMessage(Throwable cause) {
    if (cause instanceof InferenceException ie) return new InferenceFailure(ie.kind(), ie.getMessage());
    if (cause instanceof TimeoutException)
      return new InferenceFailure(ErrorKind.DEADLINE_EXCEEDED, "the inference core did not answer in time");
    if (cause instanceof EntityStreamSizeException size)
      return new InferenceFailure(ErrorKind.RESOURCE_EXHAUSTED, tooLargeMessage(size));
    if (cause instanceof RequestTooLargeException tooLarge)
      return new InferenceFailure(ErrorKind.RESOURCE_EXHAUSTED, tooLarge.getMessage());
    if (cause instanceof GrpcServiceException g)
      return new InferenceFailure(fromGrpc(g.getStatus().getCode()), g.getStatus().getDescription());
    if (isMalformedProtobuf(cause))
      return new InferenceFailure(ErrorKind.INVALID_ARGUMENT, "the request message is not valid protobuf: " + cause.getMessage());
    if (cause instanceof MissingParameterException)
      return new InferenceFailure(ErrorKind.INVALID_ARGUMENT, "the call carried no request message");
    // Pekko's own verdict on a request, e.g. decodeRequest's "The request's encoding is corrupt".
    if (cause instanceof IllegalRequestException bad)
      return new InferenceFailure(bad.status().intValue() == 413 ? ErrorKind.RESOURCE_EXHAUSTED : ErrorKind.INVALID_ARGUMENT,
          bad.info().formatPretty());
    return InferenceFailure.of(cause);
  }

  /** True when the failure is a request body over the size limit (HTTP 413, not 429). */
  public static boolean isTooLarge(Throwable t) {
    Throwable cause = unwrap(t);
    return cause instanceof EntityStreamSizeException || cause instanceof RequestTooLargeException;
  }

  public static String tooLargeMessage(EntityStreamSizeException e) {
    return "request of "
        + (e.actualSize().isDefined() ? e.actualSize().get() + " bytes" : "unknown size")
        + " exceeds the limit of "
        + e.limit()
        + " bytes";
  }

  public static GrpcServiceException toGrpc(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof GrpcServiceException g) return g;
    // What Pekko gRPC's generated handler fails with for a method the service does not have.
    if (cause instanceof UnsupportedOperationException u && u.getMessage() != null && u.getMessage().startsWith(NOT_IMPLEMENTED))
      return new GrpcServiceException(Status.UNIMPLEMENTED.withDescription(
          "unknown method " + u.getMessage().substring(NOT_IMPLEMENTED.length())));
    InferenceFailure f = classify(cause);
    return new GrpcServiceException(grpcStatus(f.kind()).withDescription(f.message()));
  }

  private static boolean isMalformedProtobuf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
      if (c instanceof InvalidProtocolBufferException) return true;
    return false;
  }

  public static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) cause = cause.getCause();
    return cause;
  }

  private static ErrorKind fromGrpc(Status.Code code) {
    return switch (code) {
      case NOT_FOUND -> ErrorKind.NOT_FOUND;
      case INVALID_ARGUMENT -> ErrorKind.INVALID_ARGUMENT;
      case UNAVAILABLE -> ErrorKind.UNAVAILABLE;
      case RESOURCE_EXHAUSTED -> ErrorKind.RESOURCE_EXHAUSTED;
      case DEADLINE_EXCEEDED -> ErrorKind.DEADLINE_EXCEEDED;
      case ALREADY_EXISTS -> ErrorKind.ALREADY_EXISTS;
      case PERMISSION_DENIED -> ErrorKind.PERMISSION_DENIED;
      default -> ErrorKind.INTERNAL;
    };
  }
}

package io.inferencia.edge.errors;

/** A request body or gRPC message over {@code edge.max-request-bytes}: HTTP 413, gRPC RESOURCE_EXHAUSTED. */
public final class RequestTooLargeException extends RuntimeException {
  public RequestTooLargeException(long seenAtLeast, long limit) {
    super("request of at least " + seenAtLeast + " bytes exceeds the limit of " + limit + " bytes", null, false, false);
  }
}

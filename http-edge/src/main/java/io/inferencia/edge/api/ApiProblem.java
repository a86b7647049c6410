package io.inferencia.edge.api;

/**
 * A client-facing failure of the {@code /v1} API, rendered as an RFC 9457 problem (REST) or a gRPC
 * status. {@code type} is a stable slug that becomes the problem's type URI.
 */
public final class ApiProblem extends RuntimeException {
  private final int status;
  private final String type;
  private final String title;
  private final long retryAfterSeconds;

  public ApiProblem(int status, String type, String title, String detail) {
    this(status, type, title, detail, 0);
  }

  private ApiProblem(int status, String type, String title, String detail, long retryAfterSeconds) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Seconds the client should wait before trying again ({@code Retry-After}); 0: none said. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public static ApiProblem badRequest(String type, String detail) {
    return new ApiProblem(400, type, "Bad request", detail);
  }

  public static ApiProblem unauthorized(String detail) {
    return new ApiProblem(401, "unauthorized", "Missing or invalid credentials", detail);
  }

  /** A limit of the caller's tenant; {@code Retry-After} tells when it may succeed. */
  public static ApiProblem tooManyRequests(String type, String detail, long retryAfterSeconds) {
    return new ApiProblem(429, type, "Too many requests", detail, Math.max(1, retryAfterSeconds));
  }

  public static ApiProblem forbidden(String type, String detail) {
    return new ApiProblem(403, type, "Forbidden", detail);
  }

  public static ApiProblem notFound(String type, String detail) {
    return new ApiProblem(404, type, "Not found", detail);
  }

  public static ApiProblem conflict(String type, String detail) {
    return new ApiProblem(409, type, "Conflict", detail);
  }

  public static ApiProblem gone(String type, String detail) {
    return new ApiProblem(410, type, "Gone", detail);
  }

  public static ApiProblem tooLarge(String type, String detail) {
    return new ApiProblem(413, type, "Content too large", detail);
  }

  /** Well-formed, but its content cannot be processed (a cover too small for its secret, a WAV that is not 16-bit PCM). */
  public static ApiProblem unprocessable(String type, String detail) {
    return new ApiProblem(422, type, "Unprocessable content", detail);
  }

  public static ApiProblem unavailable(String type, String detail) {
    return new ApiProblem(503, type, "Service unavailable", detail);
  }

  /** Object storage is down: 503 with Retry-After (when the store's circuit breaker lets calls through again, or 5 s). */
  public static ApiProblem storageUnavailable(io.inferencia.protocols.storage.StorageException e) {
    long retry = e.retryAfterSeconds() > 0 ? e.retryAfterSeconds() : 5;
    return new ApiProblem(503, "storage-unavailable", "Service unavailable", "object storage did not answer: " + e.getMessage(), retry);
  }

  public static ApiProblem timeout(String detail) {
    return new ApiProblem(504, "timeout", "Gateway timeout", detail);
  }
}

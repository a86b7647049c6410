package io.inferencia.protocols.storage;

/** A failed storage operation, classified so callers decide between retrying, reporting and giving up. */
public final class StorageException extends RuntimeException {
  public enum Kind {
    /** The object, bucket or multipart upload does not exist. */
    NOT_FOUND,
    /** Worth retrying: the service was unavailable, slow or unreachable (5xx, throttling, I/O, timeouts). */
    TRANSIENT,
    /** Retrying cannot help: the request was refused (another 4xx: bad part, too small, access denied). */
    INVALID
  }

  private final Kind kind;
  private final long retryAfterSeconds;

  public StorageException(Kind kind, String message, Throwable cause) {
    this(kind, message, cause, 0);
  }

  /** {@code retryAfterSeconds}: when storage is expected back (a circuit breaker's reset), 0 when unknown. */
  public StorageException(Kind kind, String message, Throwable cause, long retryAfterSeconds) {
    super(message, cause);
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public Kind kind() {
    return kind;
  }

  public boolean retryable() {
    return kind == Kind.TRANSIENT;
  }
}

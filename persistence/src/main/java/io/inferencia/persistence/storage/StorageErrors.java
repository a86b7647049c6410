package io.inferencia.persistence.storage;

import io.inferencia.protocols.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Maps AWS SDK failures to one {@link StorageException}, in one place. */
final class StorageErrors {
  private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound");
  private static final Set<String> TRANSIENT_CODES =
      Set.of("SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "ServiceUnavailable", "InternalError");

  private StorageErrors() {}

  static StorageException translate(String action, Object target, RuntimeException e) {
    StorageException.Kind kind = classify(e);
    return new StorageException(kind, action + " " + target + " failed: " + describe(e), e);
  }

  static StorageException.Kind classify(RuntimeException e) {
    if (e instanceof SdkServiceException service) {
      String code = errorCode(e);
      int status = service.statusCode();
      if (status == 404 || NOT_FOUND_CODES.contains(code)) return StorageException.Kind.NOT_FOUND;
      if (status >= 500 || status == 429 || service.isThrottlingException() || TRANSIENT_CODES.contains(code))
        return StorageException.Kind.TRANSIENT;
      return StorageException.Kind.INVALID;
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) return StorageException.Kind.TRANSIENT;
    if (e instanceof UncheckedIOException || causedByIo(e)) return StorageException.Kind.TRANSIENT;
    return StorageException.Kind.INVALID;
  }

  private static String errorCode(RuntimeException e) {
    String code = e instanceof S3Exception s3 && s3.awsErrorDetails() != null ? s3.awsErrorDetails().errorCode() : null;
    return code == null ? "" : code;
  }

  private static boolean causedByIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof IOException) return true;
    return false;
  }

  private static String describe(RuntimeException e) {
    if (e instanceof S3Exception s3 && s3.awsErrorDetails() != null) {
      String code = s3.awsErrorDetails().errorCode();
      String message = s3.awsErrorDetails().errorMessage();
      return (code == null ? "" : code + ": ") + (message == null ? "no message" : message) + " (HTTP " + s3.statusCode() + ")";
    }
    if (e instanceof SdkServiceException service) return "HTTP " + service.statusCode();
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}

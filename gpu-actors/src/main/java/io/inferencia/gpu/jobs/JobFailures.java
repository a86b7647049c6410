package io.inferencia.gpu.jobs;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.storage.StorageException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Decides whether a failed attempt is worth another one. Bad inputs (corrupt or unsupported files,
 * decompression bombs, a missing object) fail the job at once with their reason; storage 5xx,
 * timeouts, full queues and unavailable models are transient and retried with backoff.
 */
final class JobFailures {
  private JobFailures() {}

  record Verdict(String reason, boolean retryable) {}

  static Verdict classify(Throwable failure) {
    Throwable c = unwrap(failure);
    if (c instanceof InferenceException ie) {
      boolean retryable = ie.kind() != ErrorKind.INVALID_ARGUMENT;
      return new Verdict(ie.getMessage(), retryable);
    }
    if (c instanceof StorageException se) {
      if (se.kind() == StorageException.Kind.NOT_FOUND)
        return new Verdict("the input object no longer exists: " + se.getMessage(), false);
      return new Verdict("object storage failed: " + se.getMessage(), se.retryable());
    }
    String message = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    return new Verdict(message, true);
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException
        || c instanceof java.io.UncheckedIOException && c.getCause() instanceof StorageException) && c.getCause() != null)
      c = c.getCause();
    // Streams wrap what a source threw in IOOperationIncompleteException and friends.
    if (c.getCause() instanceof StorageException || c.getCause() instanceof InferenceException) return c.getCause();
    return c;
  }
}

package io.inferencia.gpu.jobs;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.storage.StorageException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Decides whether a failed attempt is worth another one. Only what another attempt can fix is
 * transient: storage or network unavailability, timeouts, full queues and models that are not ready
 * (a lost node is the entity's to notice). Everything else fails the job at once with its reason: bad
 * inputs, a missing object, INTERNAL errors and failures of unknown kind (a poison job that crashes
 * the task would crash it on every attempt).
 */
final class JobFailures {
  private JobFailures() {}

  /** {@code waiting}: object storage is down; the job waits for it without spending its attempts. */
  record Verdict(String reason, boolean retryable, boolean waiting) {
    Verdict(String reason, boolean retryable) {
      this(reason, retryable, false);
    }
  }

  static Verdict classify(Throwable failure) {
    Throwable c = unwrap(failure);
    if (c instanceof InferenceException ie) return new Verdict(ie.getMessage(), transientKind(ie.kind()));
    if (c instanceof StorageException se) {
      if (se.kind() == StorageException.Kind.NOT_FOUND)
        return new Verdict("the input object no longer exists: " + se.getMessage(), false);
      return new Verdict("object storage failed: " + se.getMessage(), se.retryable(), se.retryable());
    }
    String message = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    return new Verdict(message, c instanceof TimeoutException || c instanceof IOException);
  }

  private static boolean transientKind(ErrorKind kind) {
    return kind == ErrorKind.UNAVAILABLE || kind == ErrorKind.RESOURCE_EXHAUSTED || kind == ErrorKind.DEADLINE_EXCEEDED;
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

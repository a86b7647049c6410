package io.inferencia.protocols.inference;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place that turns whatever a future, an ask or a blocking call failed with into an
 * {@link InferenceException}: wrappers (CompletionException, ExecutionException) are looked through,
 * a classified failure anywhere in the chain keeps its kind, a timeout is DEADLINE_EXCEEDED and
 * anything else INTERNAL with the root cause's message.
 */
public final class InferenceErrors {
  private InferenceErrors() {}

  /** {@code error} without its CompletionException / ExecutionException wrappers. */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
    return t;
  }

  /** As {@link #toException(Throwable, String)} with a generic timeout message. */
  public static InferenceException toException(Throwable error) {
    return toException(error, "no answer in time");
  }

  /** @param timeoutMessage what a timeout means at this hop (for example which ask ran out) */
  public static InferenceException toException(Throwable error, String timeoutMessage) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InferenceException ie) return ie;
      if (t instanceof TimeoutException) return new InferenceException(ErrorKind.DEADLINE_EXCEEDED, timeoutMessage);
    }
    return new InferenceException(ErrorKind.INTERNAL, rootMessage(error));
  }

  /** The innermost cause's message (its class name where it has none). */
  public static String rootMessage(Throwable error) {
    Throwable c = error;
    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}

package io.inferencia.protocols.inference;

import io.inferencia.protocols.CborSerializable;

/** The serializable form of an {@link InferenceException}, for replies that cross nodes. */
public record InferenceFailure(ErrorKind kind, String message) implements CborSerializable {
  public InferenceException toException() {
    return new InferenceException(kind, message);
  }

  public static InferenceFailure of(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && !(cause instanceof InferenceException)) cause = cause.getCause();
    if (cause instanceof InferenceException ie) return new InferenceFailure(ie.kind(), ie.getMessage());
    return new InferenceFailure(ErrorKind.INTERNAL, String.valueOf(cause.getMessage()));
  }
}

package io.inferencia.protocols.inference;

import io.inferencia.protocols.CborSerializable;

/** The serializable form of an {@link InferenceException}, for replies that cross nodes. */
public record InferenceFailure(ErrorKind kind, String message) implements CborSerializable {
  public InferenceException toException() {
    return new InferenceException(kind, message);
  }

  public static InferenceFailure of(Throwable t) {
    InferenceException e = InferenceErrors.toException(t);
    return new InferenceFailure(e.kind(), e.getMessage());
  }
}

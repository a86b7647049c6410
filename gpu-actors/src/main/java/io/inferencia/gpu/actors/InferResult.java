package io.inferencia.gpu.actors;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.inferencia.protocols.CborSerializable;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceFailure;

/** The answer to an {@link Enqueue}: the response, or why there is none. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
@JsonSubTypes({
  @JsonSubTypes.Type(value = InferResult.Served.class, name = "served"),
  @JsonSubTypes.Type(value = InferResult.Failed.class, name = "failed")
})
public sealed interface InferResult extends CborSerializable {
  record Served(InferResponse response) implements InferResult {}

  record Failed(InferenceFailure failure) implements InferResult {}

  static InferResult failed(ErrorKind kind, String message) {
    return new Failed(new InferenceFailure(kind, message));
  }

  /** Any failure, classified by {@link io.inferencia.protocols.inference.InferenceErrors}. */
  static InferResult failed(Throwable error) {
    return new Failed(InferenceFailure.of(error));
  }

  /** The response, or the failure thrown as an {@link InferenceException}. */
  default InferResponse orThrow() {
    if (this instanceof Served s) return s.response();
    throw ((Failed) this).failure().toException();
  }
}

package io.inferencia.edge.json;

/**
 * A bound body that checks its values (presence, lengths, ranges, counts) once Jackson has read all of
 * it. Jackson builds a record before it reports unknown fields, so checks in the constructor would
 * answer "'input' is required" for a body that misspelt it; here the typo is reported first.
 */
public interface Validated {
  /** Throws the edge's own client error (an ApiProblem or InferenceException) naming the field at fault. */
  void validate();
}

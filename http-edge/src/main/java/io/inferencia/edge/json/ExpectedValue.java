package io.inferencia.edge.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * Thrown by this edge's own deserializers for a value of the wrong JSON type; {@code accepts} completes
 * the client's message "'field' must be ...". Jackson adds the field path as the failure travels out.
 */
public final class ExpectedValue extends MismatchedInputException {
  private final String accepts;

  public ExpectedValue(JsonParser p, String accepts) {
    super(p, "expected " + accepts, (Class<?>) null);
    this.accepts = accepts;
  }

  public String accepts() {
    return accepts;
  }
}

package io.inferencia.edge.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;

/**
 * A string, number or boolean, kept as its text: for free-form parameters whose values the server
 * passes on as strings. Numbers read as the tree model writes them ({@code 1}, {@code 1.5}, {@code true});
 * objects, arrays and null are refused. Subclasses may accept more shapes through {@link #other}.
 */
public class ScalarText extends StdScalarDeserializer<String> {
  public ScalarText() {
    super(String.class);
  }

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue().toString();
      case VALUE_TRUE, VALUE_FALSE -> Boolean.toString(p.getBooleanValue());
      default -> other(p, ctxt);
    };
  }

  /** JSON null, as a map value: refused like any other non-scalar. */
  @Override
  public String getNullValue(DeserializationContext ctxt) throws JsonMappingException {
    throw new ExpectedValue(ctxt.getParser(), accepts());
  }

  /** A value that is not a scalar: refused here. */
  protected String other(JsonParser p, DeserializationContext ctxt) throws IOException {
    throw new ExpectedValue(p, accepts());
  }

  /** What the client is told the value may be. */
  protected String accepts() {
    return "a string, number or boolean";
  }
}

package io.inferencia.edge.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.inferencia.protocols.json.JsonMappers;
import java.io.IOException;

/**
 * Binds small request bodies (control calls, job submissions) to records through the shared mapper,
 * strictly: no unknown or repeated fields, no null for primitives, nothing after the object, and no
 * scalar coercion (the shared mapper's; a float is not an integer here either). Values are then checked
 * by the record ({@link Validated}); its exceptions, like any its constructor throws, come out as thrown.
 */
public final class StrictJson {
  private static final ObjectReader STRICT = JsonMappers.shared().reader()
      .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
          DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_LONG_FOR_INTS)
      .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private StrictJson() {}

  /**
   * @throws BodyRejected when the body is not JSON, not an object, or has a field of the wrong name or type
   * @throws RuntimeException what the record threw when a value is out of its limits
   */
  public static <T> T read(byte[] body, Class<T> type) {
    T value;
    try {
      value = STRICT.forType(type).readValue(body);
    } catch (JsonProcessingException e) {
      // A record refused a value: its own exception already says which and why.
      RuntimeException own = constructorFailure(e);
      if (own != null) throw own;
      throw JsonErrors.describe(e);
    } catch (IOException e) {
      throw new BodyRejected(BodyRejected.Kind.SYNTAX, null, "the body is not valid JSON");
    }
    if (value == null) throw new BodyRejected(BodyRejected.Kind.NOT_AN_OBJECT, null, "the body must be a JSON object");
    if (value instanceof Validated v) v.validate();
    return value;
  }

  /** What a record's constructor threw, however deep the record sits in the body. */
  private static RuntimeException constructorFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
      if (c instanceof ValueInstantiationException v && v.getCause() instanceof RuntimeException own) return own;
    return null;
  }
}

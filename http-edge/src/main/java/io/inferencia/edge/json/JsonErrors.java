package io.inferencia.edge.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Jackson's binding failures said for clients: which field (its path, e.g. {@code parts[0].etag}) and
 * what it accepts, or where the JSON broke. Built from the exception's path, target type and location,
 * never from its message, which names internal classes and echoes the parser's wording.
 */
final class JsonErrors {
  /** Jackson's only signal for a repeated name under {@code STRICT_DUPLICATE_DETECTION} is its message. */
  private static final String DUPLICATE = "Duplicate field '";

  private JsonErrors() {}

  static BodyRejected describe(JsonProcessingException e) {
    StreamReadException read = innermost(e, StreamReadException.class);
    if (read != null) return streamProblem(e, read);
    if (e instanceof UnrecognizedPropertyException u)
      return field(u, "unknown field '" + path(u.getPath()) + "' (expected " + expected(u) + ")");
    if (e instanceof InvalidDefinitionException d)
      throw new IllegalStateException("a request record cannot be bound: " + d.getOriginalMessage(), d);
    if (e instanceof JsonMappingException m && m.getPath().isEmpty()) {
      // Nothing bound yet (empty body, an array, a string) or a second value after the object.
      if (afterRootValue(e)) return trailing(e.getLocation());
      return new BodyRejected(BodyRejected.Kind.NOT_AN_OBJECT, null, "the body must be a JSON object");
    }
    if (e instanceof ExpectedValue x) return field(x, quoted(x.getPath()) + " must be " + x.accepts());
    if (e instanceof MismatchedInputException m) return field(m, quoted(m.getPath()) + " must be " + kind(m.getTargetType()));
    if (e instanceof JsonMappingException m) return field(m, quoted(m.getPath()) + " is not valid");
    return new BodyRejected(BodyRejected.Kind.SYNTAX, null, notJson(e.getLocation()));
  }

  /** Failures of the parser itself: syntax, a repeated field, a number too large for its field. */
  private static BodyRejected streamProblem(JsonProcessingException outer, StreamReadException read) {
    List<String> at = outer instanceof JsonMappingException m && !m.getPath().isEmpty()
        ? segments(m.getPath()) : segments(context(read));
    if (read instanceof InputCoercionException && !at.isEmpty())
      return new BodyRejected(BodyRejected.Kind.FIELD, at.get(0), "'" + join(at) + "' is out of range");
    String original = read.getOriginalMessage();
    if (original != null && original.startsWith(DUPLICATE)) {
      List<String> dup = segments(context(read));
      return new BodyRejected(BodyRejected.Kind.FIELD, dup.isEmpty() ? null : dup.get(0), "duplicate field '" + join(dup) + "'");
    }
    if (afterRootValue(read)) return trailing(read.getLocation());
    return new BodyRejected(BodyRejected.Kind.SYNTAX, null, notJson(read.getLocation()));
  }

  private static BodyRejected field(JsonMappingException e, String message) {
    List<JsonMappingException.Reference> path = e.getPath();
    return new BodyRejected(BodyRejected.Kind.FIELD, path.isEmpty() ? null : path.get(0).getFieldName(), message);
  }

  private static BodyRejected trailing(JsonLocation at) {
    return new BodyRejected(BodyRejected.Kind.SYNTAX, null, "unexpected content after the JSON object" + where(at));
  }

  private static String notJson(JsonLocation at) {
    return "the body is not valid JSON" + where(at);
  }

  private static String where(JsonLocation at) {
    return at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")" : "";
  }

  /** The client's words for a Java type. */
  private static String kind(Class<?> type) {
    if (type == null) return "of another type";
    if (CharSequence.class.isAssignableFrom(type)) return "a string";
    if (type == Boolean.class || type == boolean.class) return "true or false";
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == Short.class
        || type == short.class || type == BigInteger.class) return "an integer";
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class || type == BigDecimal.class)
      return "a number";
    if (Collection.class.isAssignableFrom(type) || type.isArray()) return "a list";
    return "an object";
  }

  /** The fields the body's object has, in declaration order for records. */
  private static String expected(UnrecognizedPropertyException u) {
    Class<?> owner = u.getReferringClass();
    if (owner != null && owner.isRecord())
      return Arrays.stream(owner.getRecordComponents()).map(JsonErrors::wireName).collect(Collectors.joining(", "));
    Collection<Object> known = u.getKnownPropertyIds();
    return known == null ? "none" : known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  private static String wireName(RecordComponent c) {
    // @JsonProperty does not target record components: javac puts it on the accessor (and field, parameter).
    JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
    return p != null && !p.value().isEmpty() ? p.value() : c.getName();
  }

  private static String quoted(List<JsonMappingException.Reference> path) {
    return "'" + path(path) + "'";
  }

  private static String path(List<JsonMappingException.Reference> path) {
    return join(segments(path));
  }

  private static List<String> segments(List<JsonMappingException.Reference> path) {
    return path.stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]").toList();
  }

  /** Field names and [index] steps from the outermost value in, as the parser stood when it failed. */
  private static List<String> segments(JsonStreamContext at) {
    Deque<String> out = new ArrayDeque<>();
    for (JsonStreamContext c = at; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) out.addFirst(c.getCurrentName());
      else if (c.inArray()) out.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
    }
    return List.copyOf(out);
  }

  private static String join(List<String> segments) {
    StringBuilder b = new StringBuilder();
    for (String s : segments) {
      if (b.length() > 0 && !s.startsWith("[")) b.append('.');
      b.append(s);
    }
    return b.toString();
  }

  private static JsonStreamContext context(JsonProcessingException e) {
    return e.getProcessor() instanceof JsonParser p ? p.getParsingContext() : null;
  }

  /** True when the parser had finished the body's one value and met another (or garbage) after it. */
  private static boolean afterRootValue(JsonProcessingException e) {
    JsonStreamContext c = context(e);
    while (c != null && !c.inRoot()) c = c.getParent();
    return c != null && c.getCurrentIndex() > 0;
  }

  private static <T> T innermost(Throwable t, Class<T> type) {
    T found = null;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
      if (type.isInstance(c)) found = type.cast(c);
    return found;
  }
}

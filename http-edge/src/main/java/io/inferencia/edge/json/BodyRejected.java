package io.inferencia.edge.json;

/**
 * A request body that does not bind to its record: not JSON, not an object, or a field of the wrong type
 * or name. The message is written for the client (it names the field and what the field accepts) and
 * never carries a parser's class names or internal wording; each edge turns it into its error shape.
 */
public final class BodyRejected extends RuntimeException {
  /** What was wrong: the JSON itself, the body's shape, or one field. */
  public enum Kind { SYNTAX, NOT_AN_OBJECT, FIELD }

  private final Kind kind;
  private final String field;

  BodyRejected(Kind kind, String field, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.field = field;
  }

  public Kind kind() {
    return kind;
  }

  /** The body's top-level field the problem is in (for a nested one, its outermost field); null when none. */
  public String field() {
    return field;
  }
}

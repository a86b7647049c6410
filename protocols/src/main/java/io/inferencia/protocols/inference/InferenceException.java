package io.inferencia.protocols.inference;

/** A classified inference failure; the message is meant for the client. */
public class InferenceException extends RuntimeException {
  private final ErrorKind kind;

  public InferenceException(ErrorKind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public ErrorKind kind() {
    return kind;
  }

  public static InferenceException notFound(String message) {
    return new InferenceException(ErrorKind.NOT_FOUND, message);
  }

  public static InferenceException invalid(String message) {
    return new InferenceException(ErrorKind.INVALID_ARGUMENT, message);
  }

  public static InferenceException unavailable(String message) {
    return new InferenceException(ErrorKind.UNAVAILABLE, message);
  }

  public static InferenceException exhausted(String message) {
    return new InferenceException(ErrorKind.RESOURCE_EXHAUSTED, message);
  }
}

package io.inferencia.gpu.repository;

/** A config.pbtxt that does not parse or does not describe a servable model; the message says why. */
public class ModelConfigException extends Exception {
  public ModelConfigException(String message) {
    super(message);
  }

  public ModelConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}

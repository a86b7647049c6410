package io.inferencia.node;

/** A deployment setting with a bad value; the message names the environment variable to fix. */
public final class InvalidSettingException extends RuntimeException {
  public InvalidSettingException(String envVar, String configKey, String problem) {
    super(envVar + " (config " + configKey + "): " + problem);
  }
}

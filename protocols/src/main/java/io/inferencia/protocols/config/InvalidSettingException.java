package io.inferencia.protocols.config;

/**
 * A deployment setting with a bad value, found while the node starts. The message names the environment
 * variable that sets it (where one does), the config key, what was found and what the setting accepts, so a
 * wrong deployment value is fixed from the message alone.
 */
public final class InvalidSettingException extends IllegalArgumentException {
  private final String variable;
  private final String key;

  public InvalidSettingException(String variable, String key, String problem) {
    super((variable == null ? key : variable + " (" + key + ")") + ": " + problem);
    this.variable = variable;
    this.key = key;
  }

  /** The environment variable that sets the key, or null when none does. */
  public String variable() {
    return variable;
  }

  public String key() {
    return key;
  }
}

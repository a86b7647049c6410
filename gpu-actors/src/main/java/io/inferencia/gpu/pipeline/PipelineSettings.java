package io.inferencia.gpu.pipeline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelParameter;

/** Reads optional settings with defaults in code, so the pipelines need no reference.conf. */
public final class PipelineSettings {
  private final Config config;

  public PipelineSettings(Config config) {
    this.config = config == null ? ConfigFactory.empty() : config;
  }

  public long getLong(String path, long defaultValue) {
    return config.hasPath(path) ? config.getLong(path) : defaultValue;
  }

  public double getDouble(String path, double defaultValue) {
    return config.hasPath(path) ? config.getDouble(path) : defaultValue;
  }

  /**
   * Fails the build of a pipeline whose config.pbtxt declares inputs but not {@code name} as a string
   * (TYPE_STRING) input, so a config typo shows at load time rather than on every request.
   */
  public static void requireStringInput(ModelConfig config, String name) {
    if (config.getInputCount() == 0) return;
    boolean declared =
        config.getInputList().stream()
            .anyMatch(i -> i.getName().equals(name) && i.getDataType() == io.inferencia.protocols.modelconfig.DataType.TYPE_STRING);
    if (!declared)
      throw new IllegalArgumentException(
          "config of '" + config.getName() + "' must declare input '" + name + "' as TYPE_STRING");
  }

  /** A string parameter from config.pbtxt's {@code parameters}, or the default. */
  public static String parameter(ModelConfig config, String key, String defaultValue) {
    ModelParameter p = config.getParametersMap().get(key);
    return p == null || p.getStringValue().isBlank() ? defaultValue : p.getStringValue();
  }
}

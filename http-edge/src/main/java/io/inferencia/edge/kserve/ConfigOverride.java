package io.inferencia.edge.kserve;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import com.google.protobuf.util.JsonFormat;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.util.Map;

/**
 * The parameters of Triton's repository load (REST body {@code {"parameters": {...}}} or the gRPC
 * request's map): {@code config}, a model config in JSON that replaces config.pbtxt for this load,
 * becomes config.pbtxt text for the core to check as strictly as the file. Other parameters (Triton's
 * {@code file:<path>} uploads) are refused, not ignored.
 */
public final class ConfigOverride {
  public static final String CONFIG = "config";
  private static final JsonFormat.Parser STRICT_JSON = JsonFormat.parser();

  private ConfigOverride() {}

  /** @param parameters name to string value; empty config text when there is no override */
  public static String configText(Map<String, String> parameters) {
    for (String name : parameters.keySet())
      if (!name.equals(CONFIG))
        throw invalid("load parameter '" + name + "' is not supported (only '" + CONFIG + "', a model config in JSON)");
    String json = parameters.get(CONFIG);
    if (json == null) return "";
    ModelConfig.Builder b = ModelConfig.newBuilder();
    try {
      STRICT_JSON.merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw invalid("load parameter '" + CONFIG + "' is not a model config in JSON: " + e.getMessage());
    }
    return TextFormat.printer().printToString(b.build());
  }
}

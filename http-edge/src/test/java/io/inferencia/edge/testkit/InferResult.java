package io.inferencia.edge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoded REST inference response: the JSON header and, for outputs sent as binary data, their raw
 * bytes cut from the body by each output's {@code binary_data_size}.
 */
public record InferResult(JsonNode header, Map<String, byte[]> binary) {

  public static InferResult of(RestClient.Response r) {
    try {
      int headerLength = r.headerLength().orElse(r.body().length);
      JsonNode header = RestClient.JSON.readTree(Arrays.copyOf(r.body(), headerLength));
      Map<String, byte[]> binary = new LinkedHashMap<>();
      int offset = headerLength;
      for (JsonNode o : header.path("outputs")) {
        JsonNode size = o.path("parameters").get("binary_data_size");
        if (size == null) continue;
        binary.put(o.path("name").asText(), Arrays.copyOfRange(r.body(), offset, offset + size.asInt()));
        offset += size.asInt();
      }
      if (offset != r.body().length) throw new IllegalStateException("binary section has unclaimed bytes");
      return new InferResult(header, binary);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode output(String name) {
    for (JsonNode o : header.path("outputs")) if (o.path("name").asText().equals(name)) return o;
    throw new AssertionError("no output '" + name + "' in " + header);
  }

  public float[] floats(String name) {
    if (binary.containsKey(name)) return Raw.floats(binary.get(name));
    JsonNode data = output(name).path("data");
    float[] out = new float[data.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) data.get(i).asDouble();
    return out;
  }
}

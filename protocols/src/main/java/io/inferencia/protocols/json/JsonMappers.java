package io.inferencia.protocols.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one configured Jackson mapper for JSON bodies and documents (REST replies, problems, job results).
 * Thread-safe once built; share it rather than building another. Records bind by their component
 * names; wire names that are not Java names are given with {@code @JsonProperty}.
 */
public final class JsonMappers {
  private static final ObjectMapper SHARED = JsonMapper.builder()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private JsonMappers() {}

  public static ObjectMapper shared() {
    return SHARED;
  }
}

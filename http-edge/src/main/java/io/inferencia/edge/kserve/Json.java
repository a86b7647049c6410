package io.inferencia.edge.kserve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The edge's one Jackson mapper (thread-safe once configured). */
final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Json() {}
}

package io.inferencia.edge.kserve;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencia.protocols.json.JsonMappers;

/** The edge's one Jackson mapper (thread-safe once configured). */
final class Json {
  static final ObjectMapper MAPPER = JsonMappers.shared();

  private Json() {}
}

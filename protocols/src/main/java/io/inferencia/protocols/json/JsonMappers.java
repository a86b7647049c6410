package io.inferencia.protocols.json;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MutableCoercionConfig;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * The one configured Jackson mapper for JSON bodies and documents (REST replies, problems, job results).
 * Thread-safe once built; share it rather than building another. Records bind by their component
 * names; wire names that are not Java names are given with {@code @JsonProperty}.
 *
 * <p>Scalars bind only from their own JSON type: a number is not taken as a string, nor a string or a
 * boolean as a number, nor a number or a string as a boolean. Coercion can only be set on a mapper, not
 * on a reader, so it is set here; everything this mapper reads (request bodies, the edge's own upload
 * tokens) carries the declared types. Readers that must refuse unknown fields enable that themselves.
 */
public final class JsonMappers {
  private static final ObjectMapper SHARED = JsonMapper.builder()
      // Tensors as JSON are mostly floats: Jackson's own parser and writer for them (FastDoubleParser,
      // Schubfach) are several times faster than the JDK 17's and allocate no String per number.
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .withCoercionConfig(LogicalType.Textual, c -> refuse(c,
          CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean))
      .withCoercionConfig(LogicalType.Integer, c -> refuse(c,
          CoercionInputShape.String, CoercionInputShape.EmptyString, CoercionInputShape.Float, CoercionInputShape.Boolean))
      .withCoercionConfig(LogicalType.Float, c -> refuse(c,
          CoercionInputShape.String, CoercionInputShape.EmptyString, CoercionInputShape.Boolean))
      .withCoercionConfig(LogicalType.Boolean, c -> refuse(c,
          CoercionInputShape.String, CoercionInputShape.EmptyString, CoercionInputShape.Integer, CoercionInputShape.Float))
      .build();

  private JsonMappers() {}

  public static ObjectMapper shared() {
    return SHARED;
  }

  private static void refuse(MutableCoercionConfig config, CoercionInputShape... shapes) {
    for (CoercionInputShape shape : shapes) config.setCoercion(shape, CoercionAction.Fail);
  }
}

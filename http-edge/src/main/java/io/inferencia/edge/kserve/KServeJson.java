package io.inferencia.edge.kserve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferencia.edge.EdgeSettings;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.TensorSpec;
import java.util.List;

/** JSON shapes of the small (non-tensor) KServe v2 and Triton responses. */
final class KServeJson {
  private KServeJson() {}

  static ObjectNode serverMetadata(EdgeSettings settings) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", settings.serverName());
    o.put("version", settings.serverVersion());
    ArrayNode ext = o.putArray("extensions");
    settings.extensions().forEach(ext::add);
    return o;
  }

  static ObjectNode modelMetadata(ModelMetadata m) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", m.name());
    ArrayNode versions = o.putArray("versions");
    m.versions().forEach(versions::add);
    o.put("platform", m.platform());
    tensors(o.putArray("inputs"), m.inputs());
    tensors(o.putArray("outputs"), m.outputs());
    return o;
  }

  private static void tensors(ArrayNode into, List<TensorSpec> specs) {
    for (TensorSpec s : specs) {
      ObjectNode t = into.addObject();
      t.put("name", s.name());
      t.put("datatype", s.datatype().wireName());
      ArrayNode shape = t.putArray("shape");
      for (long d : s.shape()) shape.add(d);
    }
  }

  static ArrayNode index(List<ModelIndexEntry> entries) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (ModelIndexEntry e : entries) {
      ObjectNode o = a.addObject();
      o.put("name", e.name());
      o.put("version", e.version());
      o.put("state", e.state().name());
      o.put("reason", e.reason() == null ? "" : e.reason());
    }
    return a;
  }

  static ObjectNode readiness(String field, boolean value) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put(field, value);
    return o;
  }

  static ObjectNode error(String message) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("error", message == null ? "" : message);
    return o;
  }
}

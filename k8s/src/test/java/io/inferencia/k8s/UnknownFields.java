package io.inferencia.k8s;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Fields the fabric8 model did not recognise. It keeps them in each object's additionalProperties
 * instead of failing, so a misspelt or misplaced field (which the API server would reject or drop)
 * shows up only here.
 */
final class UnknownFields {
  private UnknownFields() {}

  static void collect(Object node, String path, List<String> out) {
    if (node == null) return;
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) collect(item, path + "[" + i++ + "]", out);
      return;
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) collect(e.getValue(), path + "." + e.getKey(), out);
      return;
    }
    if (!(node instanceof KubernetesResource)) return;
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())) continue;
      String name = getter.getName();
      if (!name.startsWith("get") || name.equals("getClass")) continue;
      Object value;
      try {
        value = getter.invoke(node);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(path + "." + name, e);
      }
      if (name.equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) out.add(path + ": " + extra.keySet());
      } else if (value instanceof KubernetesResource || value instanceof Collection<?> || value instanceof Map<?, ?>) {
        collect(value, path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4), out);
      }
    }
  }
}

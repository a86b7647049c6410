package io.inferencia.node;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a node runs: {@code edge} serves the APIs, {@code gpu} hosts device routers and pipelines. */
public enum NodeRole {
  EDGE,
  GPU;

  public String roleName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<NodeRole> parse(String s) {
    return Arrays.stream(values()).filter(r -> r.roleName().equals(s)).findFirst();
  }
}

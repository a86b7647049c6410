package io.inferencia.node.jobs;

import java.util.HashMap;
import java.util.Map;

/**
 * Nodes shared by the job tests of one JVM, one per configuration (starting one loads every model);
 * each is stopped when the JVM exits.
 */
final class SharedNodes {
  private static final Map<String, InProcessNode> NODES = new HashMap<>();

  private SharedNodes() {}

  static synchronized InProcessNode get(String overrides) throws Exception {
    InProcessNode node = NODES.get(overrides);
    if (node == null) {
      InProcessNode started = InProcessNode.start(overrides);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (Exception ignored) {
          // the JVM is exiting
        }
      }));
      NODES.put(overrides, started);
      node = started;
    }
    return node;
  }
}

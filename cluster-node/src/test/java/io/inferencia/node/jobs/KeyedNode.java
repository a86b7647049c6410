package io.inferencia.node.jobs;

/** One node with API keys for two tenants, shared by the tenancy and gRPC tests of this JVM. */
final class KeyedNode {
  static final String ACME = "key-acme-6f1c";
  static final String GLOBEX = "key-globex-93ad";
  private static InProcessNode node;

  private KeyedNode() {}

  static synchronized InProcessNode get() throws Exception {
    if (node == null) {
      node = InProcessNode.start("api.keys-list = \"" + ACME + ":acme," + GLOBEX + ":globex\"");
      InProcessNode started = node;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (Exception ignored) {
          // the JVM is exiting
        }
      }));
    }
    return node;
  }
}

package io.inferencia.node.jobs;

/** The node with API keys for two tenants (jobs and infer roles, globex also admin) and OIDC tokens from {@link TestIssuer}. */
final class KeyedNode {
  static final String ACME = "key-acme-6f1c";
  static final String GLOBEX = "key-globex-93ad";

  private KeyedNode() {}

  static InProcessNode get() throws Exception {
    return SharedNodes.get("api.keys-list = \"" + ACME + ":acme," + GLOBEX + ":globex:infer+jobs+admin\"\n"
        + TestIssuer.get().nodeConfig());
  }
}

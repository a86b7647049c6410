package io.inferencia.node.conformance;

import io.inferencia.edge.testkit.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class served by its own node-in-process on the shipped repository, started once per class. */
abstract class ShippedModelsTest {
  static RealModelServer server;
  static RestClient rest;

  @BeforeAll
  static void startServer() throws Exception {
    server = RealModelServer.startShipped();
    rest = server.rest;
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
    server = null;
    rest = null;
  }
}

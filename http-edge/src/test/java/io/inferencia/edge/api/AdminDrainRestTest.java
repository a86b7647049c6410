package io.inferencia.edge.api;

import static io.inferencia.edge.api.AdminEdge.assertProblem;
import static io.inferencia.edge.api.AdminEdge.body;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeCluster;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.RestClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/admin/nodes/{address}/drain} over HTTP: 202 with the member and its status before
 * the leave, by full (percent-encoded) address or {@code host:port}; unknown members 404, addresses that
 * do not parse 400, other methods 405, and an admin key when keys are configured.
 */
class AdminDrainRestTest {
  private EdgeFixture edge;

  @AfterEach
  void stop() throws Exception {
    if (edge != null) edge.close();
  }

  private static String path(String address) {
    return "/v1/admin/nodes/" + URLEncoder.encode(address, StandardCharsets.UTF_8) + "/drain";
  }

  @Test
  void drainsAMemberByItsFullAddressOrHostAndPort() throws Exception {
    FakeCluster cluster = new FakeCluster();
    edge = AdminEdge.start(new FakeGateway(), cluster, ConfigFactory.empty());

    RestClient.Response r = edge.rest.post(path(FakeCluster.SECOND), "");
    assertEquals(202, r.status(), body(r));
    JsonNode drained = r.json();
    assertEquals(FakeCluster.SECOND, drained.path("node").asText());
    assertEquals("Up", drained.path("status").asText());
    assertEquals("Leaving", cluster.status.get(FakeCluster.SECOND));
    assertEquals("Up", cluster.status.get(FakeCluster.FIRST));

    r = edge.rest.post("/v1/admin/nodes/10.0.0.1:2551/drain", "");
    assertEquals(202, r.status(), body(r));
    assertEquals(FakeCluster.FIRST, r.json().path("node").asText());
    // Asked again: accepted, and it says the member is already leaving.
    r = edge.rest.post("/v1/admin/nodes/10.0.0.1:2551/drain", "");
    assertEquals("Leaving", r.json().path("status").asText());
  }

  @Test
  void unknownAndMalformedAddressesAreProblems() throws Exception {
    edge = AdminEdge.start(new FakeGateway(), ConfigFactory.empty());
    assertProblem(edge.rest.post(path("pekko://inferencia@10.9.9.9:2551"), ""),
        404, "not-found", "no cluster member at 'pekko://inferencia@10.9.9.9:2551'");
    assertProblem(edge.rest.post("/v1/admin/nodes/nonsense/drain", ""),
        400, "invalid-argument", "'nonsense' is not a member address (pekko://system@host:port or host:port)");
    assertEquals(405, edge.rest.get("/v1/admin/nodes/10.0.0.1:2551/drain").status());
  }

  @Test
  void needsAnAdminKeyWhenKeysAreConfigured() throws Exception {
    FakeCluster cluster = new FakeCluster();
    edge = AdminEdge.start(new FakeGateway(), cluster,
        ConfigFactory.parseString("api.keys-list = \"secret-key:ops:admin\""));
    RestClient.Response r = edge.rest.post(path(FakeCluster.FIRST), "");
    assertEquals(401, r.status(), body(r));
    assertEquals("Up", cluster.status.get(FakeCluster.FIRST), "nothing drained without a key");
    r = edge.rest.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(edge.rest.base() + path(FakeCluster.FIRST)))
        .header("Authorization", "Bearer secret-key").POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertEquals(202, r.status(), body(r));
  }
}

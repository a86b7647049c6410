package io.inferencia.edge.api;

import static io.inferencia.edge.api.AdminEdge.assertProblem;
import static io.inferencia.edge.api.AdminEdge.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.RestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With API keys configured every {@code /v1/admin} call needs one, as the KServe admin extensions do:
 * 401 problems without a key or with a wrong one (and a refused scaling changes nothing), 200 with a
 * valid key as a bearer token or {@code X-Api-Key}.
 */
class AdminRoutesKeysTest {
  private static final String KEY = "admin-key-1";
  private static final String SCALING = "/v1/admin/models/echo_bytes/versions/1/scaling";
  private static final List<String[]> CALLS = List.of(
      new String[] {"GET", "/v1/admin/placement", null},
      new String[] {"GET", "/v1/admin/nodes", null},
      new String[] {"PUT", SCALING, "{\"max_replicas\": 3}"},
      new String[] {"PUT", "/v1/admin/models/echo_bytes/scaling", "{\"max_replicas\": 3}"});
  private static EdgeFixture edge;

  @BeforeAll
  static void start() throws Exception {
    edge = AdminEdge.start(new FakeGateway(), ConfigFactory.parseString("api.keys-list = \"" + KEY + ":acme:admin\""));
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  void callsWithoutAKeyAre401Problems() {
    for (String[] call : CALLS) {
      RestClient.Response r = send(call, Optional.empty(), Optional.empty());
      assertProblem(r, 401, "unauthorized", "send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key'");
      assertEquals(call[1], r.json().path("instance").asText());
    }
    assertProblem(edge.rest.get("/v1/admin/secrets"), 401, "unauthorized",
        "send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key'");
  }

  @Test
  void callsWithAWrongKeyAre401Problems() {
    for (String[] call : CALLS) {
      assertProblem(send(call, Optional.of("Bearer wrong"), Optional.empty()), 401, "unauthorized", "the API key is not valid");
      assertProblem(send(call, Optional.empty(), Optional.of("wrong")), 401, "unauthorized", "the API key is not valid");
    }
  }

  @Test
  void callsWithAValidKeyAreServed() {
    for (String[] call : CALLS) {
      RestClient.Response bearer = send(call, Optional.of("Bearer " + KEY), Optional.empty());
      assertEquals(200, bearer.status(), call[1] + ": " + body(bearer));
      RestClient.Response header = send(call, Optional.empty(), Optional.of(KEY));
      assertEquals(200, header.status(), call[1] + ": " + body(header));
    }
  }

  @Test
  void aRefusedScalingChangesNothing() {
    JsonNode before = echoPolicy();
    assertEquals(401, send(new String[] {"PUT", SCALING, "{\"max_replicas\": 7}"}, Optional.empty(), Optional.empty()).status());
    assertEquals(401, send(new String[] {"PUT", SCALING, "{\"max_replicas\": 7}"}, Optional.of("Bearer wrong"), Optional.empty()).status());
    assertEquals(before, echoPolicy());
    assertNotEquals(7, before.get("max_replicas").asInt());
  }

  private static JsonNode echoPolicy() {
    RestClient.Response placement = send(CALLS.get(0), Optional.empty(), Optional.of(KEY));
    assertEquals(200, placement.status(), body(placement));
    for (JsonNode replica : placement.json().get("replicas"))
      if (replica.get("model").asText().equals("echo_bytes")) return replica.get("scaling");
    throw new AssertionError("no echo_bytes replica in " + body(placement));
  }

  private static RestClient.Response send(String[] call, Optional<String> authorization, Optional<String> apiKey) {
    String base = "http://" + edge.settings.host() + ":" + edge.bindings.rest().localAddress().getPort();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + call[1]));
    if (call[2] == null) b.GET();
    else b.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(call[2]));
    authorization.ifPresent(a -> b.header("Authorization", a));
    apiKey.ifPresent(k -> b.header("X-Api-Key", k));
    return edge.rest.send(b);
  }
}

package io.inferencia.edge.api;

import static io.inferencia.edge.api.AdminEdge.assertProblem;
import static io.inferencia.edge.api.AdminEdge.body;
import static io.inferencia.edge.api.AdminEdge.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.RestClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/admin} over HTTP on an open node: placement (every replica, filtered by model and node),
 * nodes with their device budgets, and scaling changes that the next placement shows; bodies bound
 * strictly (400 problems naming the field, nothing changed), unknown models and versions 404, gateway
 * refusals 400, and Pekko's 404/405 as problems.
 */
class AdminRoutesRestTest {
  private static final Set<String> REPLICA_FIELDS = Set.of("model", "version", "node", "devices", "state", "reason",
      "in_flight", "avg_in_flight", "footprint_bytes", "footprint_measured", "last_used_epoch_millis", "pending_requests",
      "pinned", "scaling", "replica");
  private static final Set<String> POLICY_FIELDS = Set.of("min_replicas", "max_replicas", "target_in_flight");
  /** Every version of every model the fake serves (add_sub has two). */
  private static final int REPLICAS = 10;
  private static final int MODELS = 9;
  private static final String TOGGLE = "/v1/admin/models/toggle/scaling";
  private static final String TOGGLE_V1 = "/v1/admin/models/toggle/versions/1/scaling";
  private static EdgeFixture edge;
  private static RestClient rest;

  @BeforeAll
  static void start() throws Exception {
    edge = AdminEdge.start(new FakeGateway(), ConfigFactory.empty());
    rest = edge.rest;
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  // ---- placement and nodes ----

  @Test
  void placementListsEveryReplicaWithItsSnakeCaseFields() {
    RestClient.Response r = rest.get("/v1/admin/placement");
    assertEquals(200, r.status(), body(r));
    assertEquals("application/json", r.contentType());
    assertEquals(Set.of("replicas"), fieldNames(r.json()));
    JsonNode replicas = r.json().get("replicas");
    assertEquals(REPLICAS, replicas.size());
    JsonNode echo = replica(replicas, "echo_bytes", "1");
    assertEquals(REPLICA_FIELDS, fieldNames(echo));
    assertEquals(FakeGateway.FAKE_NODE, echo.get("node").asText());
    assertEquals(List.of("cpu"), texts(echo.get("devices")));
    assertEquals("READY", echo.get("state").asText());
    assertEquals("", echo.get("reason").asText());
    assertEquals(0, echo.get("in_flight").asLong());
    assertEquals(1 << 20, echo.get("footprint_bytes").asLong());
    assertFalse(echo.get("footprint_measured").asBoolean());
    assertEquals(0, echo.get("last_used_epoch_millis").asLong());
    assertEquals(0, echo.get("pending_requests").asInt());
    assertPolicy(echo.get("scaling"), 1, 1, 2);
    assertEquals("echo_bytes/1#0", echo.get("replica").asText());
    JsonNode broken = replica(replicas, "broken", "1");
    assertEquals("UNAVAILABLE", broken.get("state").asText());
    assertEquals("failed to load 'broken' version 1: model.onnx is not a valid ONNX file", broken.get("reason").asText());
  }

  @Test
  void placementFiltersByModelAndNode() {
    JsonNode addSub = placement("?model=add_sub");
    assertEquals(List.of("add_sub", "add_sub"), field(addSub, "model"));
    assertEquals(List.of("1", "2"), field(addSub, "version"));
    String node = URLEncoder.encode(FakeGateway.FAKE_NODE, StandardCharsets.UTF_8);
    assertEquals(REPLICAS, placement("?node=" + node).size());
    assertEquals(List.of("1", "2"), field(placement("?model=add_sub&node=" + node), "version"));
    assertEquals(0, placement("?node=" + URLEncoder.encode("pekko://inferencia@10.0.0.9:2551", StandardCharsets.UTF_8)).size());
    assertEquals(0, placement("?model=add_sub&node=elsewhere").size());
    assertEquals(0, placement("?model=no_such_model").size());
  }

  @Test
  void nodesListEachGpuNodeWithItsDeviceBudgets() {
    RestClient.Response r = rest.get("/v1/admin/nodes");
    assertEquals(200, r.status(), body(r));
    assertEquals("application/json", r.contentType());
    assertEquals(Set.of("nodes"), fieldNames(r.json()));
    JsonNode nodes = r.json().get("nodes");
    assertEquals(1, nodes.size());
    JsonNode node = nodes.get(0);
    assertEquals(Set.of("node", "devices", "pending_loads", "unmet_demand"), fieldNames(node));
    assertEquals(FakeGateway.FAKE_NODE, node.get("node").asText());
    assertEquals(0, node.get("pending_loads").asInt());
    assertEquals(0, node.get("unmet_demand").asInt());
    assertEquals(1, node.get("devices").size());
    JsonNode cpu = node.get("devices").get(0);
    assertEquals(Set.of("device", "budget_bytes", "used_bytes", "replicas"), fieldNames(cpu));
    assertEquals("cpu", cpu.get("device").asText());
    assertEquals(0, cpu.get("budget_bytes").asLong());
    assertEquals((long) MODELS << 20, cpu.get("used_bytes").asLong());
    assertEquals(MODELS, cpu.get("replicas").asInt());
  }

  // ---- scaling ----

  @Test
  void scalingOneVersionChangesOnlyItAndShowsInTheNextPlacement() {
    JsonNode before = replica(placement("?model=add_sub"), "add_sub", "1").get("scaling");
    RestClient.Response r = rest.put("/v1/admin/models/add_sub/versions/2/scaling", "{\"max_replicas\": 4, \"target_in_flight\": 8}");
    assertEquals(200, r.status(), body(r));
    assertEquals("application/json", r.contentType());
    assertEquals(POLICY_FIELDS, fieldNames(r.json()));
    int min = r.json().get("min_replicas").asInt();
    assertPolicy(r.json(), min, 4, 8);
    JsonNode after = placement("?model=add_sub");
    assertPolicy(replica(after, "add_sub", "2").get("scaling"), min, 4, 8);
    assertEquals(before, replica(after, "add_sub", "1").get("scaling"), "the other version keeps its policy");

    RestClient.Response more = rest.put("/v1/admin/models/add_sub/versions/2/scaling", "{\"min_replicas\": 3}");
    assertEquals(200, more.status(), body(more));
    assertPolicy(more.json(), 3, 4, 8);
    assertPolicy(replica(placement("?model=add_sub"), "add_sub", "2").get("scaling"), 3, 4, 8);
  }

  @Test
  void scalingAModelChangesEveryVersion() {
    RestClient.Response r = rest.put("/v1/admin/models/add_sub/scaling",
        "{\"min_replicas\": 2, \"max_replicas\": 5, \"target_in_flight\": 3}");
    assertEquals(200, r.status(), body(r));
    assertPolicy(r.json(), 2, 5, 3);
    JsonNode replicas = placement("?model=add_sub");
    assertPolicy(replica(replicas, "add_sub", "1").get("scaling"), 2, 5, 3);
    assertPolicy(replica(replicas, "add_sub", "2").get("scaling"), 2, 5, 3);
  }

  @Test
  void scalingBodiesOfTheWrongShapeAre400sNamingTheField() {
    for (String path : List.of(TOGGLE, TOGGLE_V1)) {
      assertInvalid(rest.put(path, "{\"min_replica\": 1}"),
          "unknown field 'min_replica' (expected min_replicas, max_replicas, target_in_flight)");
      assertInvalid(rest.put(path, "{\"minReplicas\": 1}"),
          "unknown field 'minReplicas' (expected min_replicas, max_replicas, target_in_flight)");
      assertInvalid(rest.put(path, "{\"min_replicas\": \"2\"}"), "'min_replicas' must be an integer");
      assertInvalid(rest.put(path, "{\"max_replicas\": 2.5}"), "'max_replicas' must be an integer");
      assertInvalid(rest.put(path, "{\"max_replicas\": 2.0}"), "'max_replicas' must be an integer");
      assertInvalid(rest.put(path, "{\"target_in_flight\": true}"), "'target_in_flight' must be an integer");
      assertInvalid(rest.put(path, "{\"target_in_flight\": [4]}"), "'target_in_flight' must be an integer");
      assertInvalid(rest.put(path, "{\"max_replicas\": 3000000000}"), "'max_replicas' is out of range");
      assertInvalid(rest.put(path, "{\"max_replicas\": 2, \"max_replicas\": 3}"), "duplicate field 'max_replicas'");
      assertInvalid(rest.put(path, "[{\"max_replicas\": 2}]"), "the body must be a JSON object");
      assertInvalid(rest.put(path, ""), "the body must be a JSON object");
      assertProblem(rest.put(path, "{\"max_replicas\": }"), 400, "invalid-json", "the body is not valid JSON (line 1, column 18)");
    }
    assertUnchanged();
  }

  @Test
  void scalingBodiesThatChangeNothingOrAreNegativeAre400s() {
    String nothing = "nothing to change: set min_replicas, max_replicas or target_in_flight";
    for (String path : List.of(TOGGLE, TOGGLE_V1)) {
      assertInvalid(rest.put(path, "{}"), nothing);
      assertInvalid(rest.put(path, "{\"min_replicas\": null, \"target_in_flight\": null}"), nothing);
      assertInvalid(rest.put(path, "{\"min_replicas\": -1}"), "'min_replicas' must be an integer >= 0, got -1");
      assertInvalid(rest.put(path, "{\"max_replicas\": -2}"), "'max_replicas' must be an integer >= 1, got -2");
      assertInvalid(rest.put(path, "{\"target_in_flight\": -3}"), "'target_in_flight' must be an integer >= 1, got -3");
      assertInvalid(rest.put(path, "{\"max_replicas\": 0}"), "'max_replicas' must be an integer >= 1, got 0");
      assertInvalid(rest.put(path, "{\"min_replicas\": 1, \"target_in_flight\": 0}"), "'target_in_flight' must be an integer >= 1, got 0");
    }
    assertUnchanged();
  }

  @Test
  void aPolicyTheGatewayRefusesIsA400() {
    assertProblem(rest.put(TOGGLE_V1, "{\"min_replicas\": 3}"), 400, "invalid-argument",
        "min_replicas (3) must not exceed max_replicas (1)");
    assertProblem(rest.put(TOGGLE, "{\"min_replicas\": 5, \"max_replicas\": 2}"), 400, "invalid-argument",
        "min_replicas (5) must not exceed max_replicas (2)");
    assertUnchanged();
  }

  @Test
  void unknownModelsAndVersionsAre404s() {
    assertProblem(rest.put("/v1/admin/models/nope/scaling", "{\"max_replicas\": 2}"), 404, "not-found", "unknown model 'nope'");
    assertProblem(rest.put("/v1/admin/models/nope/versions/1/scaling", "{\"max_replicas\": 2}"), 404, "not-found",
        "unknown model 'nope'");
    assertProblem(rest.put("/v1/admin/models/add_sub/versions/9/scaling", "{\"max_replicas\": 2}"), 404, "not-found",
        "model 'add_sub' has no version 9");
  }

  // ---- paths and methods ----

  @Test
  void wrongMethodsAre405ProblemsWithAllow() {
    RestClient.Response post = rest.post("/v1/admin/placement", "{}");
    assertEquals(405, post.status(), body(post));
    assertEquals("application/problem+json", post.contentType());
    assertEquals(Problems.TYPE_BASE + "method-not-allowed", post.json().get("type").asText());
    assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
    RestClient.Response get = rest.get(TOGGLE_V1);
    assertEquals(405, get.status(), body(get));
    assertEquals("PUT", get.headers().firstValue("Allow").orElse(""));
    RestClient.Response delete = rest.send(HttpRequest.newBuilder(URI.create(base() + "/v1/admin/nodes")).DELETE());
    assertEquals(405, delete.status(), body(delete));
    assertEquals("application/problem+json", delete.contentType());
  }

  @Test
  void unknownAdminPathsAre404Problems() {
    for (String path : List.of("/v1/admin", "/v1/admin/secrets", "/v1/admin/placement/add_sub", "/v1/admin/models/add_sub",
        "/v1/admin/models/add_sub/versions/1")) {
      RestClient.Response r = rest.get(path);
      assertEquals(404, r.status(), path + ": " + body(r));
      assertEquals("application/problem+json", r.contentType(), path);
      assertEquals(Problems.TYPE_BASE + "not-found", r.json().get("type").asText(), path);
    }
    RestClient.Response r = rest.put("/v1/admin/models/add_sub/versions/1/scale", "{\"max_replicas\": 2}");
    assertEquals(404, r.status(), body(r));
  }

  // ---- helpers ----

  private static String base() {
    return "http://" + edge.settings.host() + ":" + edge.bindings.rest().localAddress().getPort();
  }

  /** No refused call changed toggle's policy, on either route. */
  private static void assertUnchanged() {
    assertPolicy(replica(placement("?model=toggle"), "toggle", "1").get("scaling"), 1, 1, 2);
  }

  private static void assertInvalid(RestClient.Response r, String detail) {
    assertProblem(r, 400, ScalingBody.PROBLEM, detail);
  }

  private static void assertPolicy(JsonNode policy, int min, int max, int target) {
    assertEquals(POLICY_FIELDS, fieldNames(policy), policy.toString());
    assertEquals(min, policy.get("min_replicas").asInt(), policy.toString());
    assertEquals(max, policy.get("max_replicas").asInt(), policy.toString());
    assertEquals(target, policy.get("target_in_flight").asInt(), policy.toString());
  }

  private static JsonNode placement(String query) {
    RestClient.Response r = rest.get("/v1/admin/placement" + query);
    assertEquals(200, r.status(), body(r));
    return r.json().get("replicas");
  }

  private static JsonNode replica(JsonNode replicas, String model, String version) {
    for (JsonNode r : replicas)
      if (r.get("model").asText().equals(model) && r.get("version").asText().equals(version)) return r;
    throw new AssertionError("no replica of " + model + " version " + version + " in " + replicas);
  }

  private static List<String> field(JsonNode replicas, String name) {
    List<String> out = new ArrayList<>();
    replicas.forEach(r -> out.add(r.get(name).asText()));
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

package io.inferencia.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeCluster;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.protocols.inference.InferenceGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** An edge serving {@code /v1/admin} (mounted as the node mounts it, through {@link V1Api#v1}), and checks on its answers. */
final class AdminEdge {
  private static final Pattern INTERNALS = Pattern.compile("Exception|com\\.fasterxml|jackson|java\\.|`|CoercionConfig");

  private AdminEdge() {}

  /** The edge with {@code overrides} (e.g. API keys), in front of {@code gateway} and a {@link FakeCluster}. */
  static EdgeFixture start(InferenceGateway gateway, Config overrides) throws Exception {
    return start(gateway, new FakeCluster(), overrides);
  }

  static EdgeFixture start(InferenceGateway gateway, FakeCluster cluster, Config overrides) throws Exception {
    io.inferencia.edge.auth.Authorized tenants = new io.inferencia.edge.auth.Authorized(io.inferencia.edge.auth.Authenticator.fromConfig(overrides.withFallback(ConfigFactory.load()).getConfig("api")));
    return EdgeFixture.start(gateway, overrides,
        V1Api.v1(new AdminRoutes(tenants, gateway, cluster, Duration.ofSeconds(5)).route()));
  }

  /** A problem+json answer with this status, type and detail, and nothing of the server's internals. */
  static void assertProblem(RestClient.Response r, int status, String type, String detail) {
    assertEquals(status, r.status(), body(r));
    assertEquals("application/problem+json", r.contentType(), body(r));
    JsonNode p = r.json();
    assertEquals(Problems.TYPE_BASE + type, p.path("type").asText(), body(r));
    assertEquals(status, p.path("status").asInt(), body(r));
    assertEquals(detail, p.path("detail").asText(), body(r));
    assertFalse(INTERNALS.matcher(body(r)).find(), "no internals: " + body(r));
  }

  static Set<String> fieldNames(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static String body(RestClient.Response r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }
}

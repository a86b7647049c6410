package io.inferencia.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.protocols.grpc.ModelMetadataRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant over its request rate gets 429 with Retry-After (RESOURCE_EXHAUSTED on gRPC), from one
 * bucket shared by REST and gRPC; another tenant is not affected, and the bucket refills.
 */
class TenantRateLimitTest {
  private static EdgeFixture edge;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(new FakeGateway(), ConfigFactory.parseString(
        "api.keys-list = \"key-a:tenant-a,key-b:tenant-b\"\n"
            + "api.limits.requests-per-second = 1\napi.limits.burst = 3"));
    base = "http://" + edge.settings.host() + ":" + edge.bindings.rest().localAddress().getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  private static RestClient.Response metadata(String key) {
    return edge.rest.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/add_sub")).header("X-Api-Key", key).GET());
  }

  @Test
  void aTenantOverItsRateIs429WithRetryAfterAndOthersAreNot() throws Exception {
    int ok = 0;
    RestClient.Response refused = null;
    for (int i = 0; i < 6 && refused == null; i++) {
      RestClient.Response r = metadata("key-a");
      if (r.status() == 200) ok++;
      else refused = r;
    }
    assertTrue(ok >= 3, "the burst passes: " + ok);
    assertTrue(refused != null, "then the bucket is empty");
    assertEquals(429, refused.status());
    assertTrue(refused.contentType().startsWith("application/problem+json"));
    assertEquals("https://inferencia.io/problems/rate-limited", refused.json().path("type").asText());
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);

    ExecutionException e = assertThrows(ExecutionException.class, () -> edge.grpc.modelMetadata().addHeader("x-api-key", "key-a")
        .invoke(ModelMetadataRequest.newBuilder().setName("add_sub").build()).toCompletableFuture().get(10, TimeUnit.SECONDS));
    StatusRuntimeException s = assertInstanceOf(StatusRuntimeException.class, e.getCause());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getStatus().getCode(), "gRPC draws on the same bucket");

    assertEquals(200, metadata("key-b").status(), "another tenant has its own bucket");
    assertEquals(200, edge.rest.get("/v2/health/ready").status(), "health is not limited");
    // Refilled at one token per second.
    Thread.sleep(1100);
    assertEquals(200, metadata("key-a").status(), "the bucket refills");
  }
}

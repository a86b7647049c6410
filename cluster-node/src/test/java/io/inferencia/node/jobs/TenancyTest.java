package io.inferencia.node.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.node.conformance.Samples;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With API keys, every /v1 call needs one, and tenants neither see nor reach each other's uploads and jobs. */
class TenancyTest {
  private static JobApi acme;
  private static JobApi globex;
  private static JobApi anonymous;

  @BeforeAll
  static void node() throws Exception {
    InProcessNode node = KeyedNode.get();
    acme = new JobApi(node.http(), KeyedNode.ACME);
    globex = acme.as(KeyedNode.GLOBEX);
    anonymous = acme.as(null);
  }

  @Test
  void callsWithoutAValidKeyAre401() {
    JobApi.Response none = anonymous.get("/v1/jobs");
    assertEquals(401, none.status());
    assertEquals("https://inferencia.io/problems/unauthorized", none.json().get("type").asText());
    assertEquals(401, acme.as("wrong-key").get("/v1/jobs").status());
    assertEquals(401, anonymous.post("/v1/uploads", Map.of("filename", "a", "contentType", "image/png", "size", 1)).status());
    assertEquals(200, anonymous.get("/v2/health/ready").status(), "the KServe protocol stays open");
  }

  @Test
  void tenantsAreIsolated() throws Exception {
    String input = acme.upload("private.png", "image/png", Samples.renderPng("Acme only"));
    assertTrue(input.startsWith("s3://intake/acme/"), input);
    String jobId = acme.submit("ocr", input, null, null).json().get("jobId").asText();
    assertEquals("SUCCEEDED", acme.awaitFinished(jobId, Duration.ofSeconds(60)).get("status").asText());

    assertEquals(404, globex.get("/v1/jobs/" + jobId).status());
    assertEquals(404, globex.delete("/v1/jobs/" + jobId).status());
    assertEquals(404, globex.get("/v1/jobs/" + jobId + "/events").status());
    assertEquals(403, globex.submit("ocr", input, null, null).status(), "another tenant's upload cannot be used");
    assertEquals(0, globex.get("/v1/jobs").json().get("jobs").size());
    // The same Idempotency-Key in two tenants names two different jobs.
    String globexInput = globex.upload("g.png", "image/png", Samples.renderPng("Globex"));
    String a = acme.submit("ocr", input, null, "shared-key").json().get("jobId").asText();
    String g = globex.submit("ocr", globexInput, null, "shared-key").json().get("jobId").asText();
    assertTrue(!a.equals(g));
  }
}

package io.inferencia.node.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.inferencia.node.conformance.Samples;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import io.inferencia.protocols.grpc.ModelMetadataRequest;
import io.inferencia.protocols.grpc.RepositoryModelUnloadRequest;
import io.inferencia.protocols.jobs.grpc.GetJobRequest;
import io.inferencia.protocols.jobs.grpc.JobServiceClient;
import io.inferencia.protocols.jobs.grpc.SubmitJobRequest;
import io.inferencia.protocols.jobs.grpc.WatchJobRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OIDC bearer tokens against a JWKS served over HTTP by the test, on a whole node, through REST and
 * gRPC: every broken token is 401, a valid token without the role is 403, and tenants taken from the
 * token's claim never reach each other's jobs, uploads or results.
 */
class OidcAccessTest {
  private static TestIssuer issuer;
  private static InProcessNode node;
  private static ActorSystem<Void> clientSystem;
  private static JobServiceClient jobsGrpc;
  private static GRPCInferenceServiceClient inferGrpc;

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.get();
    node = KeyedNode.get();
    clientSystem = ActorSystem.create(Behaviors.empty(), "oidc-client", io.inferencia.node.testkit.LocalClient.config());
    GrpcClientSettings grpc = GrpcClientSettings.connectToServiceAt("127.0.0.1", node.grpcPort, clientSystem).withTls(false);
    jobsGrpc = JobServiceClient.create(grpc, clientSystem);
    inferGrpc = GRPCInferenceServiceClient.create(grpc, clientSystem);
  }

  @AfterAll
  static void stop() {
    jobsGrpc.close();
    inferGrpc.close();
    clientSystem.terminate();
  }

  private static JobApi as(String token) {
    return new JobApi(node.http(), token);
  }

  private static JWTClaimsSet good(java.util.function.UnaryOperator<JWTClaimsSet.Builder> tweak) {
    return TestIssuer.claims("acme", List.of("jobs", "infer", "offline_access"), tweak);
  }

  @Test
  void everyBrokenTokenIs401() throws Exception {
    Instant now = Instant.now();
    RSAKey unpublished = TestIssuer.newKey("rsa-unknown");
    Map<String, String> broken = new LinkedHashMap<>();
    broken.put("forged signature", issuer.forged(good(b -> b)));
    broken.put("expired", issuer.token(good(b -> b.expirationTime(Date.from(now.minusSeconds(120))))));
    broken.put("not yet valid", issuer.token(good(b -> b.notBeforeTime(Date.from(now.plusSeconds(120))))));
    broken.put("no exp", issuer.token(good(b -> b.expirationTime(null))));
    broken.put("wrong issuer", issuer.token(good(b -> b.issuer("https://evil.test/realms/inferencia"))));
    broken.put("wrong audience", issuer.token(good(b -> b.audience("someone-else"))));
    broken.put("alg none", TestIssuer.unsigned(good(b -> b)));
    broken.put("HMAC with the public key", issuer.hmacWithPublicKey(good(b -> b)));
    broken.put("unknown kid", TestIssuer.signedBy(unpublished, good(b -> b)));
    broken.put("garbage", "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln");
    for (Map.Entry<String, String> e : broken.entrySet()) {
      JobApi.Response jobs = as(e.getValue()).get("/v1/jobs");
      assertEquals(401, jobs.status(), e.getKey() + ": " + jobs.body());
      assertEquals("https://inferencia.io/problems/unauthorized", jobs.json().get("type").asText(), e.getKey());
      assertEquals(401, as(e.getValue()).get("/v2/models/ocr_cls").status(), e.getKey());
      assertEquals(Status.Code.UNAUTHENTICATED, code(inferGrpc.modelMetadata().addHeader("authorization", "Bearer " + e.getValue())
          .invoke(ModelMetadataRequest.newBuilder().setName("ocr_cls").build())), e.getKey());
    }
    // Within the leeway (30 s) a just-expired token still passes: clocks drift.
    assertEquals(200, as(issuer.token(good(b -> b.expirationTime(Date.from(now.minusSeconds(5)))))).get("/v1/jobs").status());
  }

  @Test
  void aRotatedKeyIsFetchedByItsKeyId() throws Exception {
    RSAKey next = TestIssuer.newKey("rsa-2");
    String token = TestIssuer.signedBy(next, good(b -> b));
    assertEquals(401, as(token).get("/v1/jobs").status(), "not published yet");
    issuer.publish(next);
    assertEquals(200, as(token).get("/v1/jobs").status(), "published: the node fetches the JWKS again for the new kid");
    assertEquals(200, as(issuer.es256(good(b -> b))).get("/v1/jobs").status(), "ES256 is pinned too");
  }

  @Test
  void aValidTokenWithoutTheRoleIs403() throws Exception {
    String inferOnly = issuer.token("acme", "infer");
    String jobsOnly = issuer.token("acme", "jobs");
    assertEquals(403, as(inferOnly).get("/v1/jobs").status());
    assertEquals(403, as(inferOnly).post("/v1/uploads", Map.of("filename", "a.png", "contentType", "image/png", "size", 10)).status());
    assertEquals(200, as(inferOnly).get("/v2/models/ocr_cls").status());
    assertEquals(403, as(jobsOnly).get("/v2/models/ocr_cls").status());
    assertEquals(403, as(jobsOnly).post("/v2/repository/models/ocr_cls/unload", Map.of()).status());
    assertEquals(403, as(inferOnly).get("/v1/admin/placement").status());
    assertEquals(200, as(issuer.token("acme", "admin")).get("/v1/admin/placement").status());
    assertEquals(Status.Code.PERMISSION_DENIED, code(inferGrpc.repositoryModelUnload().addHeader("authorization", "Bearer " + inferOnly)
        .invoke(RepositoryModelUnloadRequest.newBuilder().setModelName("ocr_cls").build())));
    assertEquals(Status.Code.PERMISSION_DENIED, code(jobsGrpc.get().addHeader("authorization", "Bearer " + inferOnly)
        .invoke(GetJobRequest.newBuilder().setJobId("x").build())));
    assertEquals(200, as(inferOnly).get("/v2/models/ocr_cls/ready").status());
    // A token without the tenant claim may infer but owns no jobs.
    String noTenant = issuer.token(TestIssuer.claims(null, List.of("jobs", "infer"), b -> b));
    assertEquals(403, as(noTenant).get("/v1/jobs").status());
    assertEquals(200, as(noTenant).get("/v2/models/ocr_cls").status());
  }

  @Test
  void tenantsFromTokensNeverSeeEachOther() throws Exception {
    JobApi a = as(issuer.token("tenant-a", "jobs", "infer"));
    JobApi b = as(issuer.token("tenant-b", "jobs", "infer"));
    String input = a.upload("a.png", "image/png", Samples.renderPng("Tenant A"));
    assertTrue(input.startsWith("s3://intake/tenant-a/"), input);
    String jobId = a.submit("ocr", input, null, null).json().get("jobId").asText();
    JsonNode done = a.awaitFinished(jobId, Duration.ofSeconds(60));
    assertEquals("SUCCEEDED", done.get("status").asText());

    assertEquals(404, b.get("/v1/jobs/" + jobId).status());
    assertEquals(404, b.get("/v1/jobs/" + jobId + "/events").status());
    assertEquals(404, b.delete("/v1/jobs/" + jobId).status());
    assertEquals(0, b.get("/v1/jobs").json().get("jobs").size());
    assertEquals(403, b.submit("ocr", input, null, null).status(), "A's upload is not B's input");
    // An upload in progress is A's alone.
    JobApi.Response created = a.post("/v1/uploads", Map.of("filename", "big.bin", "contentType", "application/octet-stream",
        "size", 40L * 1024 * 1024));
    String uploadId = created.json().get("uploadId").asText();
    int more = b.post("/v1/uploads/" + uploadId + "/parts", Map.of("partNumbers", List.of(3))).status();
    assertTrue(more == 403 || more == 404, "B asks for A's part URLs: " + more);
    int abort = b.delete("/v1/uploads/" + uploadId).status();
    assertTrue(abort == 403 || abort == 404, "B aborts A's upload: " + abort);
    assertEquals(200, a.post("/v1/uploads/" + uploadId + "/parts", Map.of("partNumbers", List.of(3))).status(), "still A's");

    String bToken = issuer.token("tenant-b", "jobs", "infer");
    assertEquals(Status.Code.NOT_FOUND, code(jobsGrpc.get().addHeader("authorization", "Bearer " + bToken)
        .invoke(GetJobRequest.newBuilder().setJobId(jobId).build())));
    assertEquals(Status.Code.NOT_FOUND, code(jobsGrpc.watch().addHeader("authorization", "Bearer " + bToken)
        .invoke(WatchJobRequest.newBuilder().setJobId(jobId).build()).runWith(Sink.seq(), clientSystem)));
    assertEquals(Status.Code.PERMISSION_DENIED, code(jobsGrpc.submit().addHeader("authorization", "Bearer " + bToken)
        .invoke(SubmitJobRequest.newBuilder().setTask("ocr").setInput(input).build())));
    assertEquals(Status.Code.UNAUTHENTICATED, code(jobsGrpc.get().invoke(GetJobRequest.newBuilder().setJobId(jobId).build())));
    // A's own token reads its result over gRPC.
    assertEquals(jobId, await(jobsGrpc.get().addHeader("authorization", "Bearer " + issuer.token("tenant-a", "jobs"))
        .invoke(GetJobRequest.newBuilder().setJobId(jobId).build())).getJobId());
  }

  @Test
  void apiKeysStillWorkBesideTokens() {
    assertEquals(200, as(KeyedNode.ACME).get("/v1/jobs").status());
    assertEquals(403, as(KeyedNode.ACME).get("/v1/admin/nodes").status(), "a key's default roles are infer and jobs");
    assertEquals(200, as(KeyedNode.GLOBEX).get("/v1/admin/nodes").status());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Status.Code code(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
    return ((StatusRuntimeException) e.getCause()).getStatus().getCode();
  }
}

package io.inferencia.node.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.inferencia.node.conformance.Samples;
import io.inferencia.protocols.jobs.grpc.JobServiceClient;
import io.inferencia.protocols.jobs.grpc.SubmitJobRequest;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant's cap on unfinished jobs, on a node whose worker is off so that jobs stay QUEUED: over the
 * cap a submission is 429 with Retry-After (RESOURCE_EXHAUSTED on gRPC), another tenant is not
 * affected, and once a job finishes (here: is cancelled) the tenant may submit again.
 */
class JobQuotaTest {
  private static JobApi a;
  private static JobApi b;
  private static InProcessNode node;
  private static ActorSystem<Void> clientSystem;
  private static JobServiceClient grpc;

  @BeforeAll
  static void start() throws Exception {
    node = SharedNodes.get("api.keys-list = \"key-quota-a:quota-a,key-quota-b:quota-b\"\n"
        + "api.limits.max-active-jobs = 2\njobs.worker.enabled = off\napi.limits.max-upload-bytes-in-flight = 50MiB");
    a = new JobApi(node.http(), "key-quota-a");
    b = a.as("key-quota-b");
    clientSystem = ActorSystem.create(Behaviors.empty(), "quota-client", io.inferencia.node.testkit.LocalClient.config());
    grpc = JobServiceClient.create(GrpcClientSettings.connectToServiceAt("127.0.0.1", node.grpcPort, clientSystem).withTls(false), clientSystem);
  }

  @AfterAll
  static void stop() {
    grpc.close();
    clientSystem.terminate();
  }

  @Test
  void overTheCapASubmissionIs429UntilAJobFinishes() throws Exception {
    String input = a.upload("q.png", "image/png", Samples.renderPng("Quota"));
    String first = accepted(a.submit("ocr", input, null, null));
    accepted(a.submit("ocr", input, null, null));
    // The cap counts on the read side: wait until it shows both.
    await().atMost(Duration.ofSeconds(10)).until(() -> a.get("/v1/jobs?status=QUEUED").json().get("jobs").size() == 2);

    JobApi.Response refused = a.submit("ocr", input, null, null);
    assertEquals(429, refused.status(), refused.body());
    assertEquals("https://inferencia.io/problems/too-many-jobs", refused.json().get("type").asText());
    assertEquals("5", refused.header("Retry-After"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> grpc.submit().addHeader("x-api-key", "key-quota-a")
        .invoke(SubmitJobRequest.newBuilder().setTask("ocr").setInput(input).build()).toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, ((StatusRuntimeException) e.getCause()).getStatus().getCode());
    assertEquals(2, a.get("/v1/jobs").json().get("jobs").size(), "nothing was created for the refused submissions");

    String other = b.upload("q.png", "image/png", Samples.renderPng("Other tenant"));
    accepted(b.submit("ocr", other, null, null));

    assertEquals(200, a.delete("/v1/jobs/" + first).status());
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> a.submit("ocr", input, null, null).status() == 202);
  }

  @Test
  void uploadBytesInFlightAreCappedUntilAnUploadFinishes() {
    long mib = 1024 * 1024;
    JobApi.Response first = a.post("/v1/uploads", java.util.Map.of("filename", "a.bin", "contentType", "application/octet-stream",
        "size", 40 * mib));
    assertEquals(201, first.status(), first.body());
    JobApi.Response second = a.post("/v1/uploads", java.util.Map.of("filename", "b.bin", "contentType", "application/octet-stream",
        "size", 20 * mib));
    assertEquals(429, second.status(), second.body());
    assertEquals("https://inferencia.io/problems/too-many-upload-bytes", second.json().get("type").asText());
    assertTrue(Long.parseLong(second.header("Retry-After")) >= 1);
    assertEquals(201, b.post("/v1/uploads", java.util.Map.of("filename", "b.bin", "contentType", "application/octet-stream",
        "size", 20 * mib)).status(), "another tenant has its own allowance");
    assertEquals(204, a.delete("/v1/uploads/" + first.json().get("uploadId").asText()).status());
    assertEquals(201, a.post("/v1/uploads", java.util.Map.of("filename", "b.bin", "contentType", "application/octet-stream",
        "size", 20 * mib)).status(), "aborting gave the bytes back");
  }

  private static String accepted(JobApi.Response r) {
    assertTrue(r.status() == 202, r.status() + " " + r.body());
    return r.json().get("jobId").asText();
  }
}

package io.inferencia.node.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.inferencia.node.conformance.Samples;
import io.inferencia.protocols.jobs.grpc.CancelJobRequest;
import io.inferencia.protocols.jobs.grpc.GetJobRequest;
import io.inferencia.protocols.jobs.grpc.Job;
import io.inferencia.protocols.jobs.grpc.JobServiceClient;
import io.inferencia.protocols.jobs.grpc.JobStatus;
import io.inferencia.protocols.jobs.grpc.JobUpdate;
import io.inferencia.protocols.jobs.grpc.SubmitJobRequest;
import io.inferencia.protocols.jobs.grpc.WatchJobRequest;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gRPC JobService on the node's gRPC port, beside the inference service, with the REST API's semantics. */
class JobGrpcTest {
  private static ActorSystem<Void> clientSystem;
  private static JobServiceClient client;
  private static JobApi rest;

  @BeforeAll
  static void node() throws Exception {
    InProcessNode node = KeyedNode.get();
    rest = new JobApi(node.http(), KeyedNode.ACME);
    clientSystem = ActorSystem.create(Behaviors.empty(), "grpc-client", io.inferencia.node.testkit.LocalClient.config());
    client = JobServiceClient.create(GrpcClientSettings.connectToServiceAt("127.0.0.1", node.grpcPort, clientSystem).withTls(false), clientSystem);
  }

  @AfterAll
  static void stop() {
    client.close();
    clientSystem.terminate();
  }

  @Test
  void submitWatchAndGetAJob() throws Exception {
    String input = rest.upload("grpc.png", "image/png", Samples.renderPng("Over gRPC"));
    Job submitted = await(client.submit().addHeader("authorization", "Bearer " + KeyedNode.ACME)
        .invoke(SubmitJobRequest.newBuilder().setTask("ocr").setInput(input).build()));
    assertEquals(JobStatus.QUEUED, submitted.getStatus());
    List<JobUpdate> updates = client.watch().addHeader("x-api-key", KeyedNode.ACME)
        .invoke(WatchJobRequest.newBuilder().setJobId(submitted.getJobId()).build())
        .runWith(Sink.seq(), clientSystem).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertEquals(List.of("Submitted", "Started", "Succeeded"), updates.stream().map(JobUpdate::getEvent).toList());
    JobUpdate last = updates.get(updates.size() - 1);
    assertTrue(last.getTerminal());
    assertTrue(last.getJob().getOutput().getUrl().startsWith("http://127.0.0.1:"), last.toString());
    String text = new String(rest.download(last.getJob().getOutput().getUrl()));
    assertTrue(text.contains("Over gRPC"), text);
    Job got = await(client.get().addHeader("authorization", "Bearer " + KeyedNode.ACME)
        .invoke(GetJobRequest.newBuilder().setJobId(submitted.getJobId()).build()));
    assertEquals(JobStatus.SUCCEEDED, got.getStatus());
    assertEquals(Status.Code.FAILED_PRECONDITION, code(client.cancel().addHeader("authorization", "Bearer " + KeyedNode.ACME)
        .invoke(CancelJobRequest.newBuilder().setJobId(submitted.getJobId()).build())));
  }

  @Test
  void errorsAreGrpcStatusesWithMessages() throws Exception {
    assertEquals(Status.Code.UNAUTHENTICATED, code(client.get().invoke(GetJobRequest.newBuilder().setJobId("x").build())));
    assertEquals(Status.Code.NOT_FOUND, code(client.get().addHeader("authorization", "Bearer " + KeyedNode.ACME)
        .invoke(GetJobRequest.newBuilder().setJobId("00000000-0000-0000-0000-000000000000").build())));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(client.submit().addHeader("authorization", "Bearer " + KeyedNode.ACME)
        .invoke(SubmitJobRequest.newBuilder().setTask("ocr").setInput("not-a-uri").build())));
    assertEquals(Status.Code.PERMISSION_DENIED, code(client.submit().addHeader("authorization", "Bearer " + KeyedNode.GLOBEX)
        .invoke(SubmitJobRequest.newBuilder().setTask("ocr").setInput("s3://intake/acme/x.png").build())));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(client.submit().addHeader("authorization", "Bearer " + KeyedNode.ACME)
        .invoke(SubmitJobRequest.newBuilder().setTask("nope").setInput("s3://intake/acme/x.png").build())));
  }

  @Test
  void anIdempotencyKeyGivesTheSameJobAndAnotherBodyIsAlreadyExists() throws Exception {
    String input = rest.upload("idem-grpc.png", "image/png", Samples.renderPng("Once"));
    SubmitJobRequest req = SubmitJobRequest.newBuilder().setTask("ocr").setInput(input).setIdempotencyKey("grpc-order-1").build();
    Job first = await(client.submit().addHeader("authorization", "Bearer " + KeyedNode.ACME).invoke(req));
    Job again = await(client.submit().addHeader("authorization", "Bearer " + KeyedNode.ACME).invoke(req));
    assertEquals(first.getJobId(), again.getJobId());
    assertEquals(Status.Code.ALREADY_EXISTS, code(client.submit().addHeader("authorization", "Bearer " + KeyedNode.ACME)
        .invoke(req.toBuilder().putParams("lang", "de").build())));
    // The same key over REST names the same job: one key space per tenant, whatever the protocol.
    assertEquals(first.getJobId(), rest.submit("ocr", input, null, "grpc-order-1").json().get("jobId").asText());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Status.Code code(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof io.grpc.StatusRuntimeException || e.getCause() instanceof GrpcServiceException, e.toString());
    Status s = e.getCause() instanceof io.grpc.StatusRuntimeException sre ? sre.getStatus() : ((GrpcServiceException) e.getCause()).getStatus();
    assertTrue(s.getDescription() != null && !s.getDescription().isEmpty(), "a status comes with a message");
    return s.getCode();
  }
}

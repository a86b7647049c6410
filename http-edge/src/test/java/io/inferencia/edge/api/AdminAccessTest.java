package io.inferencia.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.protocols.grpc.InferTensorContents;
import io.inferencia.protocols.grpc.LogSettingsRequest;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelMetadataRequest;
import io.inferencia.protocols.grpc.RepositoryIndexRequest;
import io.inferencia.protocols.grpc.ServerMetadataRequest;
import io.inferencia.protocols.grpc.ModelReadyRequest;
import io.inferencia.protocols.grpc.RepositoryModelLoadRequest;
import io.inferencia.protocols.grpc.RepositoryModelUnloadRequest;
import io.inferencia.protocols.grpc.ServerReadyRequest;
import io.inferencia.protocols.grpc.SystemSharedMemoryRegisterRequest;
import io.inferencia.protocols.grpc.SystemSharedMemoryStatusRequest;
import io.inferencia.protocols.grpc.SystemSharedMemoryUnregisterRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With API keys configured, the KServe admin extensions (repository load/unload, logging, shared
 * memory) refuse anonymous and wrongly keyed callers over REST (401 problem) and gRPC
 * (UNAUTHENTICATED), refuse a key without the admin role (403 / PERMISSION_DENIED), and serve an
 * admin key. Inference, metadata and statistics need the infer role; only health and readiness stay
 * anonymous.
 */
class AdminAccessTest {
  private static final String KEY = "admin-key-1";
  private static final String INFER_KEY = "infer-key-2";
  private static EdgeFixture edge;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(new FakeGateway(), ConfigFactory.parseString(
        "api.keys-list = \"" + KEY + ":acme:admin," + INFER_KEY + ":acme:infer\"\nedge.shared-memory.allow-client = on"));
    base = "http://" + edge.settings.host() + ":" + edge.bindings.rest().localAddress().getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  private static final List<String[]> ADMIN_CALLS = List.of(
      new String[] {"POST", "/v2/repository/models/toggle/unload", "{}"},
      new String[] {"POST", "/v2/repository/models/toggle/load", "{}"},
      new String[] {"POST", "/v2/logging", "{\"log_verbose_level\": 0}"},
      new String[] {"GET", "/v2/logging", null},
      new String[] {"GET", "/v2/systemsharedmemory/status", null},
      new String[] {"POST", "/v2/systemsharedmemory/region/r1/register", "{\"key\": \"/nothing\", \"byte_size\": 8}"},
      new String[] {"POST", "/v2/systemsharedmemory/unregister", "{}"},
      new String[] {"GET", "/v2/cudasharedmemory/status", null},
      new String[] {"POST", "/v2/cudasharedmemory/unregister", "{}"});

  @Test
  void restAdminCallsWithoutAKeyAre401Problems() {
    for (String[] call : ADMIN_CALLS) {
      RestClient.Response r = send(call, Optional.empty(), Optional.empty());
      assertEquals(401, r.status(), call[1]);
      assertTrue(r.contentType().startsWith("application/problem+json"), call[1] + ": " + r.contentType());
      assertEquals("send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key'", r.json().path("detail").asText(), call[1]);
      assertEquals(call[1], r.json().path("instance").asText());
    }
  }

  @Test
  void restAdminCallsWithAWrongKeyAre401() {
    for (String[] call : ADMIN_CALLS) {
      RestClient.Response r = send(call, Optional.of("Bearer wrong"), Optional.empty());
      assertEquals(401, r.status(), call[1]);
      assertEquals("the API key is not valid", r.json().path("detail").asText(), call[1]);
    }
  }

  @Test
  void anAnonymousUnloadLeavesTheModelServing() {
    assertEquals(401, send(ADMIN_CALLS.get(0), Optional.empty(), Optional.empty()).status());
    assertEquals(200, edge.rest.get("/v2/models/toggle/ready").status());
  }

  @Test
  void restAdminCallsWithAValidKeyAreServed() {
    assertEquals(200, send(ADMIN_CALLS.get(0), Optional.of("Bearer " + KEY), Optional.empty()).status());
    assertEquals(400, edge.rest.get("/v2/models/toggle/ready").status(), "unloaded");
    assertEquals(200, send(ADMIN_CALLS.get(1), Optional.empty(), Optional.of(KEY)).status());
    assertEquals(200, edge.rest.get("/v2/models/toggle/ready").status(), "loaded again");
    assertEquals(200, send(ADMIN_CALLS.get(3), Optional.empty(), Optional.of(KEY)).status());
    assertEquals(200, send(ADMIN_CALLS.get(4), Optional.of("Bearer " + KEY), Optional.empty()).status());
  }

  @Test
  void aKeyWithoutTheAdminRoleIs403() {
    for (String[] call : ADMIN_CALLS) {
      RestClient.Response r = send(call, Optional.of("Bearer " + INFER_KEY), Optional.empty());
      assertEquals(403, r.status(), call[1]);
      assertEquals("this call needs the 'admin' role", r.json().path("detail").asText(), call[1]);
    }
    assertEquals(200, edge.rest.get("/v2/models/toggle/ready").status(), "still loaded");
  }

  @Test
  void a401NamesTheBearerScheme() {
    RestClient.Response r = send(ADMIN_CALLS.get(0), Optional.empty(), Optional.empty());
    assertEquals("Bearer realm=\"inferencia\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
  }

  private static final List<String[]> INFER_CALLS = List.of(
      new String[] {"GET", "/v2", null},
      new String[] {"GET", "/v2/models/add_sub", null},
      new String[] {"GET", "/v2/models/add_sub/config", null},
      new String[] {"GET", "/v2/models/add_sub/stats", null},
      new String[] {"GET", "/v2/models/stats", null},
      new String[] {"POST", "/v2/repository/index", "{}"},
      new String[] {"POST", "/v2/models/add_sub/infer", "{\"inputs\": ["
          + "{\"name\": \"INPUT0\", \"datatype\": \"FP32\", \"shape\": [1, 16], \"data\": " + zeros() + "},"
          + "{\"name\": \"INPUT1\", \"datatype\": \"FP32\", \"shape\": [1, 16], \"data\": " + zeros() + "}]}"});

  @Test
  void inferenceAndMetadataNeedTheInferRole() {
    for (String[] call : INFER_CALLS) {
      assertEquals(401, send(call, Optional.empty(), Optional.empty()).status(), call[1]);
      assertEquals(200, send(call, Optional.empty(), Optional.of(INFER_KEY)).status(), call[1]);
      assertEquals(403, send(call, Optional.of("Bearer " + KEY), Optional.empty()).status(), call[1] + ": admin only");
    }
  }

  @Test
  void healthAndReadinessStayAnonymous() {
    assertEquals(200, edge.rest.get("/v2/health/live").status());
    assertEquals(200, edge.rest.get("/v2/health/ready").status());
    assertEquals(200, edge.rest.get("/v2/models/add_sub/ready").status());
  }

  @Test
  void grpcInferenceNeedsTheInferRole() throws Exception {
    var grpc = edge.grpc;
    ModelInferRequest infer = ModelInferRequest.newBuilder().setModelName("add_sub")
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("INPUT0").setDatatype("FP32").addShape(1).addShape(16)
            .setContents(InferTensorContents.newBuilder().addAllFp32Contents(java.util.Collections.nCopies(16, 0f))))
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("INPUT1").setDatatype("FP32").addShape(1).addShape(16)
            .setContents(InferTensorContents.newBuilder().addAllFp32Contents(java.util.Collections.nCopies(16, 0f))))
        .build();
    assertEquals(Status.Code.UNAUTHENTICATED, grpcFailure(grpc.modelInfer(infer)).getStatus().getCode());
    assertEquals(Status.Code.PERMISSION_DENIED,
        grpcFailure(grpc.modelInfer().addHeader("x-api-key", KEY).invoke(infer)).getStatus().getCode());
    assertEquals(2, await(grpc.modelInfer().addHeader("authorization", "Bearer " + INFER_KEY).invoke(infer)).getOutputsCount());
    assertEquals(Status.Code.UNAUTHENTICATED, grpcFailure(grpc.modelMetadata(
        ModelMetadataRequest.newBuilder().setName("add_sub").build())).getStatus().getCode());
    assertEquals(Status.Code.UNAUTHENTICATED, grpcFailure(grpc.serverMetadata(
        ServerMetadataRequest.getDefaultInstance())).getStatus().getCode());
    assertEquals(Status.Code.UNAUTHENTICATED, grpcFailure(grpc.repositoryIndex(
        RepositoryIndexRequest.getDefaultInstance())).getStatus().getCode());
    assertEquals("add_sub", await(grpc.modelMetadata().addHeader("x-api-key", INFER_KEY)
        .invoke(ModelMetadataRequest.newBuilder().setName("add_sub").build())).getName());
    // The stream fails before its first answer.
    var streamed = grpc.modelStreamInfer(org.apache.pekko.stream.javadsl.Source.single(infer))
        .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), edge.testKit.system());
    assertEquals(Status.Code.UNAUTHENTICATED, grpcFailure(streamed).getStatus().getCode());
    assertTrue(await(grpc.modelReady(ModelReadyRequest.newBuilder().setName("add_sub").build())).getReady(), "readiness stays anonymous");
  }

  @Test
  void grpcAdminCallsWithoutAKeyAreUnauthenticated() {
    var grpc = edge.grpc;
    List<Supplier<CompletionStage<?>>> calls = List.of(
        () -> grpc.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName("toggle").build()),
        () -> grpc.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("toggle").build()),
        () -> grpc.logSettings(LogSettingsRequest.getDefaultInstance()),
        () -> grpc.systemSharedMemoryStatus(SystemSharedMemoryStatusRequest.getDefaultInstance()),
        () -> grpc.systemSharedMemoryRegister(SystemSharedMemoryRegisterRequest.newBuilder()
            .setName("r1").setKey("/nothing").setByteSize(8).build()),
        () -> grpc.systemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest.getDefaultInstance()));
    for (var call : calls) {
      StatusRuntimeException e = grpcFailure(call.get());
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
      assertEquals("send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key'", e.getStatus().getDescription());
    }
    StatusRuntimeException wrong = grpcFailure(grpc.repositoryModelUnload().addHeader("x-api-key", "wrong")
        .invoke(RepositoryModelUnloadRequest.newBuilder().setModelName("toggle").build()));
    assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
    assertEquals("the API key is not valid", wrong.getStatus().getDescription());
  }

  @Test
  void grpcAdminCallsWithAValidKeyAreServed() throws Exception {
    var grpc = edge.grpc;
    await(grpc.repositoryModelUnload().addHeader("authorization", "Bearer " + KEY)
        .invoke(RepositoryModelUnloadRequest.newBuilder().setModelName("toggle").build()));
    assertFalse(await(grpc.modelReady(ModelReadyRequest.newBuilder().setName("toggle").build())).getReady());
    await(grpc.repositoryModelLoad().addHeader("x-api-key", KEY)
        .invoke(RepositoryModelLoadRequest.newBuilder().setModelName("toggle").build()));
    assertTrue(await(grpc.modelReady(ModelReadyRequest.newBuilder().setName("toggle").build())).getReady());
    assertTrue(await(grpc.logSettings().addHeader("x-api-key", KEY).invoke(LogSettingsRequest.getDefaultInstance()))
        .containsSettings("log_info"));
    assertTrue(await(grpc.serverReady(ServerReadyRequest.getDefaultInstance())).getReady(), "health stays open");
  }

  private static String zeros() {
    return "[" + String.join(",", java.util.Collections.nCopies(16, "0")) + "]";
  }

  private static RestClient.Response send(String[] call, Optional<String> authorization, Optional<String> apiKey) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + call[1]));
    b = call[2] == null ? b.GET() : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(call[2]));
    if (authorization.isPresent()) b.header("Authorization", authorization.get());
    if (apiKey.isPresent()) b.header("X-Api-Key", apiKey.get());
    return edge.rest.send(b);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static StatusRuntimeException grpcFailure(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
    return assertInstanceOf(StatusRuntimeException.class, e.getCause());
  }
}

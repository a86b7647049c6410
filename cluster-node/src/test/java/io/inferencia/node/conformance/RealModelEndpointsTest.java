package io.inferencia.node.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.InferBody;
import io.inferencia.edge.testkit.InferResult;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.protocols.grpc.ModelConfigRequest;
import io.inferencia.protocols.grpc.ModelMetadataRequest;
import io.inferencia.protocols.grpc.ModelMetadataResponse;
import io.inferencia.protocols.grpc.ModelReadyRequest;
import io.inferencia.protocols.grpc.RepositoryIndexRequest;
import io.inferencia.protocols.grpc.RepositoryIndexResponse;
import io.inferencia.protocols.grpc.RepositoryModelLoadRequest;
import io.inferencia.protocols.grpc.RepositoryModelUnloadRequest;
import io.inferencia.protocols.grpc.ServerLiveRequest;
import io.inferencia.protocols.grpc.ServerMetadataRequest;
import io.inferencia.protocols.grpc.ServerReadyRequest;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.grpc.GrpcServiceException;
import org.junit.jupiter.api.Test;

/** Every KServe v2 endpoint, REST and gRPC, against the shipped repository. */
class RealModelEndpointsTest extends ShippedModelsTest {

  @Test
  void healthIsLiveAndReady() throws Exception {
    RestClient.Response live = rest.get("/v2/health/live");
    assertEquals(200, live.status());
    assertTrue(live.json().path("live").asBoolean(), live.json().toString());
    RestClient.Response ready = rest.get("/v2/health/ready");
    assertEquals(200, ready.status());
    assertTrue(ready.json().path("ready").asBoolean(), ready.json().toString());
    assertTrue(get(server.grpc.serverLive(ServerLiveRequest.getDefaultInstance())).getLive());
    assertTrue(get(server.grpc.serverReady(ServerReadyRequest.getDefaultInstance())).getReady());
  }

  @Test
  void serverMetadataNamesServerAndExtensions() throws Exception {
    RestClient.Response r = rest.get("/v2");
    assertEquals(200, r.status());
    assertEquals("inferencia", r.json().path("name").asText());
    assertEquals("0.1.0", r.json().path("version").asText());
    List<String> extensions = RestClient.JSON.convertValue(r.json().path("extensions"), List.class);
    assertTrue(extensions.containsAll(List.of("binary_tensor_data", "classification", "model_repository", "model_configuration", "statistics", "logging")), extensions.toString());
    var grpc = get(server.grpc.serverMetadata(ServerMetadataRequest.getDefaultInstance()));
    assertEquals("inferencia", grpc.getName());
    assertEquals(extensions, grpc.getExtensionsList());
  }

  @Test
  void modelMetadataOfTheClassifierAndThePipeline() throws Exception {
    for (String path : List.of("/v2/models/ocr_cls", "/v2/models/ocr_cls/versions/1")) {
      RestClient.Response r = rest.get(path);
      assertEquals(200, r.status(), path);
      JsonNode m = r.json();
      assertEquals("ocr_cls", m.path("name").asText());
      assertEquals("onnxruntime", m.path("platform").asText());
      assertTrue(m.path("versions").toString().contains("\"1\""), m.toString());
      JsonNode x = m.path("inputs").get(0);
      assertEquals("x", x.path("name").asText());
      assertEquals("FP32", x.path("datatype").asText());
      assertEquals("[-1,3,48,192]", x.path("shape").toString());
      JsonNode out = m.path("outputs").get(0);
      assertEquals("softmax_0.tmp_0", out.path("name").asText());
      assertEquals("[-1,2]", out.path("shape").toString());
    }
    JsonNode ocr = rest.get("/v2/models/ocr").json();
    assertEquals("ocr_pipeline", ocr.path("platform").asText());
    assertEquals("IMAGE", ocr.path("inputs").get(0).path("name").asText());
    assertEquals("BYTES", ocr.path("inputs").get(0).path("datatype").asText());
    List<String> outputs = ocr.path("outputs").findValuesAsText("name");
    assertEquals(List.of("TEXT", "CONFIDENCE", "BOX", "RESULT_JSON"), outputs);

    ModelMetadataResponse grpc = get(server.grpc.modelMetadata(
        ModelMetadataRequest.newBuilder().setName("ocr_cls").setVersion("1").build()));
    assertEquals("x", grpc.getInputs(0).getName());
    assertEquals("FP32", grpc.getInputs(0).getDatatype());
    assertEquals(List.of(-1L, 3L, 48L, 192L), grpc.getInputs(0).getShapeList());
  }

  @Test
  void modelReadyOnBothPaths() throws Exception {
    for (String path : List.of("/v2/models/ocr_cls/ready", "/v2/models/ocr_cls/versions/1/ready", "/v2/models/vad_segments/ready")) {
      RestClient.Response r = rest.get(path);
      assertEquals(200, r.status(), path);
      assertTrue(r.json().path("ready").asBoolean(), path + " " + r.json());
    }
    assertTrue(get(server.grpc.modelReady(ModelReadyRequest.newBuilder().setName("ocr").build())).getReady());
  }

  @Test
  void modelConfigIsTheRepositoryConfig() throws Exception {
    RestClient.Response r = rest.get("/v2/models/ocr_cls/config");
    assertEquals(200, r.status());
    JsonNode c = r.json();
    assertEquals("ocr_cls", c.path("name").asText());
    assertEquals(64, c.path("max_batch_size").asInt(), c.toString());
    assertEquals("onnxruntime", c.path("backend").asText(), c.toString());
    assertEquals("x", c.path("input").get(0).path("name").asText(), c.toString());
    RestClient.Response versioned = rest.get("/v2/models/ocr_cls/versions/1/config");
    assertEquals(200, versioned.status());
    assertEquals(c, versioned.json());
    var grpc = get(server.grpc.modelConfig(ModelConfigRequest.newBuilder().setName("ocr_rec").build())).getConfig();
    assertEquals("ocr_rec", grpc.getName());
    assertEquals(32, grpc.getMaxBatchSize());
  }

  @Test
  void repositoryIndexListsEveryShippedModelReady() throws Exception {
    Map<String, String> states = server.states();
    for (String m : RealModelServer.SHIPPED) assertEquals("READY", states.get(m), m + " in " + states);
    RestClient.Response readyOnly = rest.post("/v2/repository/index", "{\"ready\":true}");
    assertEquals(200, readyOnly.status());
    assertEquals(RealModelServer.SHIPPED.size(), readyOnly.json().size(), readyOnly.json().toString());
    RepositoryIndexResponse grpc = get(server.grpc.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()));
    Map<String, String> grpcStates = new TreeMap<>();
    grpc.getModelsList().forEach(m -> grpcStates.put(m.getName(), m.getState()));
    assertEquals(states, grpcStates);
  }

  @Test
  void unloadThenLoadTheClassifier() throws Exception {
    InferBody body = InferBody.builder().input("x", "FP32", new long[] {1, 3, 48, 192}, Samples.clsInput(1, 7)).build();
    float[] before = InferResult.of(rest.post("/v2/models/ocr_cls/infer", body)).floats("softmax_0.tmp_0");
    try {
      assertEquals(200, rest.post("/v2/repository/models/ocr_cls/unload", "{}").status());
      server.awaitStates(Map.of("ocr_cls", "UNAVAILABLE"));
      RestClient.Response ready = rest.get("/v2/models/ocr_cls/ready");
      assertFalse(ready.json().path("ready").asBoolean(true), ready.json().toString());
      assertEquals(400, ready.status(), "not ready answers 4xx as Triton does");
      assertFalse(get(server.grpc.modelReady(ModelReadyRequest.newBuilder().setName("ocr_cls").build())).getReady());

      RestClient.Response infer = rest.post("/v2/models/ocr_cls/infer", body);
      assertEquals(503, infer.status(), new String(infer.body()));
      assertTrue(infer.error().contains("ocr_cls"), infer.error());
      GrpcServiceException e = grpcFailure(server.grpc.modelInfer(GrpcInfer.addRaw(GrpcInfer.request("ocr_cls", ""),
          "x", "FP32", new long[] {1, 3, 48, 192}, io.inferencia.edge.testkit.Raw.floats(Samples.clsInput(1, 7))).build()));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
      // The other models keep serving.
      assertEquals(200, rest.get("/v2/models/ocr_rec/ready").status());
    } finally {
      assertEquals(200, rest.post("/v2/repository/models/ocr_cls/load", "{}").status());
    }
    server.awaitStates(Map.of("ocr_cls", "READY"));
    assertEquals(200, rest.get("/v2/models/ocr_cls/ready").status());
    float[] after = InferResult.of(rest.post("/v2/models/ocr_cls/infer", body)).floats("softmax_0.tmp_0");
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, after, 1e-5f);

    // The same round trip over gRPC.
    get(server.grpc.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName("ocr_cls").build()));
    server.awaitStates(Map.of("ocr_cls", "UNAVAILABLE"));
    get(server.grpc.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("ocr_cls").build()));
    server.awaitStates(Map.of("ocr_cls", "READY"));
    assertTrue(get(server.grpc.modelReady(ModelReadyRequest.newBuilder().setName("ocr_cls").build())).getReady());
  }

  static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static GrpcServiceException grpcFailure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof GrpcServiceException g) return g;
      if (e.getCause() instanceof io.grpc.StatusRuntimeException s)
        return new GrpcServiceException(s.getStatus());
      throw new AssertionError("not a gRPC status failure: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a gRPC failure, got success");
  }
}

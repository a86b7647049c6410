package io.inferencia.edge.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import io.inferencia.protocols.grpc.InferTensorContents;
import io.inferencia.protocols.grpc.ModelConfigRequest;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import io.inferencia.protocols.grpc.ModelMetadataRequest;
import io.inferencia.protocols.grpc.ModelMetadataResponse;
import io.inferencia.protocols.grpc.ModelReadyRequest;
import io.inferencia.protocols.grpc.ModelStatisticsRequest;
import io.inferencia.protocols.grpc.ModelStreamInferResponse;
import io.inferencia.protocols.grpc.RepositoryIndexRequest;
import io.inferencia.protocols.grpc.RepositoryIndexResponse;
import io.inferencia.protocols.grpc.RepositoryModelLoadRequest;
import io.inferencia.protocols.grpc.RepositoryModelUnloadRequest;
import io.inferencia.protocols.grpc.ServerLiveRequest;
import io.inferencia.protocols.grpc.ServerMetadataRequest;
import io.inferencia.protocols.grpc.ServerReadyRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** KServe v2 gRPC conformance through a real HTTP/2 socket and the generated client. */
class KServeGrpcConformanceTest {
  private static final long[] ONE_ROW = {1, FakeGateway.ADD_SUB_WIDTH};
  private static EdgeFixture edge;
  private static final FakeGateway GATEWAY = new FakeGateway();
  private static GRPCInferenceServiceClient grpc;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(GATEWAY);
    grpc = edge.grpc;
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  void liveReadyAndServerMetadata() throws Exception {
    assertTrue(await(grpc.serverLive(ServerLiveRequest.getDefaultInstance())).getLive());
    assertTrue(await(grpc.serverReady(ServerReadyRequest.getDefaultInstance())).getReady());
    var meta = await(grpc.serverMetadata(ServerMetadataRequest.getDefaultInstance()));
    assertEquals("inferencia", meta.getName());
    assertEquals(List.of("binary_tensor_data", "classification", "model_repository", "model_configuration", "statistics", "logging"), meta.getExtensionsList());
  }

  @Test
  void modelMetadataAndNotFound() throws Exception {
    ModelMetadataResponse m = await(grpc.modelMetadata(ModelMetadataRequest.newBuilder().setName("add_sub").build()));
    assertEquals(List.of("1", "2"), m.getVersionsList());
    assertEquals("INPUT0", m.getInputs(0).getName());
    assertEquals("FP32", m.getInputs(0).getDatatype());
    assertEquals(List.of(-1L, 16L), m.getInputs(0).getShapeList());
    assertGrpcError(grpc.modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build()),
        Status.Code.NOT_FOUND, "unknown model: 'nope'");
    assertGrpcError(grpc.modelMetadata(ModelMetadataRequest.newBuilder().setName("add_sub").setVersion("9").build()),
        Status.Code.NOT_FOUND, "unknown version '9' of model 'add_sub'");
  }

  @Test
  void modelReadyAndConfig() throws Exception {
    assertTrue(await(grpc.modelReady(ModelReadyRequest.newBuilder().setName("add_sub").setVersion("2").build())).getReady());
    assertFalse(await(grpc.modelReady(ModelReadyRequest.newBuilder().setName("broken").build())).getReady());
    var config = await(grpc.modelConfig(ModelConfigRequest.newBuilder().setName("add_sub").build())).getConfig();
    assertEquals(8, config.getMaxBatchSize());
    assertEquals("INPUT1", config.getInput(1).getName());
  }

  @Test
  void inferWithRawContentsAnswersRawOutputs() throws Exception {
    float[] a = Raw.ramp(16, 1);
    float[] b = Raw.ramp(16, 10);
    ModelInferRequest.Builder req = GrpcInfer.request("add_sub", "").setId("g-1");
    GrpcInfer.addRaw(req, "INPUT0", "FP32", ONE_ROW, Raw.floats(a));
    GrpcInfer.addRaw(req, "INPUT1", "FP32", ONE_ROW, Raw.floats(b));
    ModelInferResponse r = await(grpc.modelInfer(req.build()));
    assertEquals("add_sub", r.getModelName());
    assertEquals("2", r.getModelVersion());
    assertEquals("g-1", r.getId());
    assertEquals(2, r.getRawOutputContentsCount());
    assertEquals(List.of(1L, 16L), r.getOutputs(0).getShapeList());
    assertArrayEquals(sum(a, b), Raw.floats(GrpcInfer.rawOutput(r, "OUTPUT0")));
    assertArrayEquals(diff(a, b), Raw.floats(GrpcInfer.rawOutput(r, "OUTPUT1")));
  }

  @Test
  void inferWithTypedContents() throws Exception {
    float[] a = Raw.ramp(16, 0);
    float[] b = Raw.ramp(16, 4);
    ModelInferRequest.Builder req = GrpcInfer.request("add_sub", "1");
    GrpcInfer.addTyped(req, "INPUT0", "FP32", ONE_ROW, GrpcInfer.fp32(a));
    GrpcInfer.addTyped(req, "INPUT1", "FP32", ONE_ROW, GrpcInfer.fp32(b));
    req.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("OUTPUT0"));
    ModelInferResponse r = await(grpc.modelInfer(req.build()));
    assertEquals("1", r.getModelVersion());
    assertEquals(1, r.getOutputsCount());
    assertArrayEquals(sum(a, b), Raw.floats(GrpcInfer.rawOutput(r, "OUTPUT0")));
  }

  @Test
  void bytesTypedAndRaw() throws Exception {
    ModelInferRequest.Builder typed = GrpcInfer.request("echo_bytes", "");
    GrpcInfer.addTyped(typed, "INPUT0", "BYTES", new long[] {2}, GrpcInfer.strings("x", "grüße"));
    assertEquals(List.of("x", "grüße"), Raw.strings(GrpcInfer.rawOutput(await(grpc.modelInfer(typed.build())), "OUTPUT0")));

    ModelInferRequest.Builder raw = GrpcInfer.request("echo_bytes", "");
    GrpcInfer.addRaw(raw, "INPUT0", "BYTES", new long[] {3}, Raw.strings("", "a", "bb"));
    assertEquals(List.of("", "a", "bb"), Raw.strings(GrpcInfer.rawOutput(await(grpc.modelInfer(raw.build())), "OUTPUT0")));
  }

  @Test
  void typedContentsOfEveryKind() throws Exception {
    ModelInferRequest.Builder req = GrpcInfer.request("identity", "");
    GrpcInfer.addTyped(req, "b", "BOOL", new long[] {2}, InferTensorContents.newBuilder().addBoolContents(true).addBoolContents(false).build());
    GrpcInfer.addTyped(req, "i8", "INT8", new long[] {2}, InferTensorContents.newBuilder().addIntContents(-128).addIntContents(127).build());
    GrpcInfer.addTyped(req, "i16", "INT16", new long[] {1}, InferTensorContents.newBuilder().addIntContents(-300).build());
    GrpcInfer.addTyped(req, "i32", "INT32", new long[] {1}, InferTensorContents.newBuilder().addIntContents(123456).build());
    GrpcInfer.addTyped(req, "i64", "INT64", new long[] {1}, InferTensorContents.newBuilder().addInt64Contents(-5L).build());
    GrpcInfer.addTyped(req, "u8", "UINT8", new long[] {1}, InferTensorContents.newBuilder().addUintContents(255).build());
    GrpcInfer.addTyped(req, "u16", "UINT16", new long[] {1}, InferTensorContents.newBuilder().addUintContents(65535).build());
    GrpcInfer.addTyped(req, "u32", "UINT32", new long[] {1}, InferTensorContents.newBuilder().addUintContents(-1).build());
    GrpcInfer.addTyped(req, "u64", "UINT64", new long[] {1}, InferTensorContents.newBuilder().addUint64Contents(-1L).build());
    GrpcInfer.addTyped(req, "f64", "FP64", new long[] {1}, InferTensorContents.newBuilder().addFp64Contents(2.5).build());
    ModelInferResponse r = await(grpc.modelInfer(req.build()));
    assertArrayEquals(new byte[] {1, 0}, GrpcInfer.rawOutput(r, "OUT_b"));
    assertArrayEquals(new byte[] {-128, 127}, GrpcInfer.rawOutput(r, "OUT_i8"));
    assertEquals(-300, le(GrpcInfer.rawOutput(r, "OUT_i16")).getShort());
    assertEquals(123456, le(GrpcInfer.rawOutput(r, "OUT_i32")).getInt());
    assertEquals(-5L, le(GrpcInfer.rawOutput(r, "OUT_i64")).getLong());
    assertArrayEquals(new byte[] {(byte) 255}, GrpcInfer.rawOutput(r, "OUT_u8"));
    assertEquals((short) 0xFFFF, le(GrpcInfer.rawOutput(r, "OUT_u16")).getShort());
    assertEquals(-1, le(GrpcInfer.rawOutput(r, "OUT_u32")).getInt());
    assertEquals(-1L, le(GrpcInfer.rawOutput(r, "OUT_u64")).getLong());
    assertEquals(2.5, le(GrpcInfer.rawOutput(r, "OUT_f64")).getDouble());
    assertEquals("UINT64", r.getOutputsList().stream().filter(o -> o.getName().equals("OUT_u64")).findFirst().orElseThrow().getDatatype());
  }

  @Test
  void invalidRequestsAreInvalidArgument() {
    float[] a = Raw.ramp(16, 0);
    ModelInferRequest.Builder name = GrpcInfer.request("add_sub", "");
    GrpcInfer.addRaw(name, "INPUT0", "FP32", ONE_ROW, Raw.floats(a));
    GrpcInfer.addRaw(name, "BOGUS", "FP32", ONE_ROW, Raw.floats(a));
    assertGrpcError(grpc.modelInfer(name.build()), Status.Code.INVALID_ARGUMENT,
        "unexpected inference input 'BOGUS' for model 'add_sub'");

    ModelInferRequest.Builder count = GrpcInfer.request("add_sub", "");
    GrpcInfer.addTyped(count, "INPUT0", "FP32", ONE_ROW, GrpcInfer.fp32(Raw.ramp(15, 0)));
    assertGrpcError(grpc.modelInfer(count.build()), Status.Code.INVALID_ARGUMENT,
        "input 'INPUT0': shape [1, 16] needs 16 elements, got 15");

    ModelInferRequest.Builder rawSize = GrpcInfer.request("add_sub", "");
    GrpcInfer.addRaw(rawSize, "INPUT0", "FP32", ONE_ROW, new byte[63]);
    assertGrpcError(grpc.modelInfer(rawSize.build()), Status.Code.INVALID_ARGUMENT,
        "input 'INPUT0': FP32 shape [1, 16] needs 64 bytes of data, got 63");

    ModelInferRequest.Builder rawCount = GrpcInfer.request("add_sub", "");
    GrpcInfer.addRaw(rawCount, "INPUT0", "FP32", ONE_ROW, Raw.floats(a));
    rawCount.addInputs(GrpcInfer.input("INPUT1", "FP32", ONE_ROW));
    rawCount.addRawInputContents(ByteString.copyFrom(Raw.floats(a))).addRawInputContents(ByteString.EMPTY);
    assertGrpcError(grpc.modelInfer(rawCount.build()), Status.Code.INVALID_ARGUMENT,
        "raw_input_contents has 3 entries for 2 inputs not in shared memory");

    ModelInferRequest.Builder mixed = GrpcInfer.request("add_sub", "");
    GrpcInfer.addRaw(mixed, "INPUT0", "FP32", ONE_ROW, Raw.floats(a));
    GrpcInfer.addTyped(mixed, "INPUT1", "FP32", ONE_ROW, GrpcInfer.fp32(a));
    assertGrpcError(grpc.modelInfer(mixed.build()), Status.Code.INVALID_ARGUMENT,
        "input 'INPUT1': contents and raw_input_contents cannot be mixed");

    ModelInferRequest.Builder type = GrpcInfer.request("add_sub", "");
    GrpcInfer.addTyped(type, "INPUT0", "FP99", ONE_ROW, GrpcInfer.fp32(a));
    assertGrpcError(grpc.modelInfer(type.build()), Status.Code.INVALID_ARGUMENT, "input 'INPUT0': unknown datatype 'FP99'");

    ModelInferRequest.Builder range = GrpcInfer.request("identity", "");
    GrpcInfer.addTyped(range, "i8", "INT8", new long[] {1}, InferTensorContents.newBuilder().addIntContents(200).build());
    assertGrpcError(grpc.modelInfer(range.build()), Status.Code.INVALID_ARGUMENT, "input 'i8': value 200 is out of range for INT8");
  }

  @Test
  void gatewayErrorKindsMapToGrpcCodes() {
    ModelInferRequest any = GrpcInfer.addTyped(GrpcInfer.request("broken", ""), "x", "FP32", new long[] {1}, GrpcInfer.fp32(1f)).build();
    assertGrpcError(grpc.modelInfer(any), Status.Code.UNAVAILABLE,
        "model 'broken' is not ready: failed to load 'broken' version 1: model.onnx is not a valid ONNX file");
    assertGrpcError(grpc.modelInfer(any.toBuilder().setModelName("busy").build()), Status.Code.RESOURCE_EXHAUSTED,
        "queue of model 'busy' is full (max_queue_size 4)");
    assertGrpcError(grpc.modelInfer(any.toBuilder().setModelName("late").build()), Status.Code.DEADLINE_EXCEEDED,
        "request for model 'late' timed out in the queue");
    assertGrpcError(grpc.modelInfer(any.toBuilder().setModelName("nope").build()), Status.Code.NOT_FOUND,
        "unknown model: 'nope'");
  }

  @Test
  void oversizeMessageIsResourceExhausted() {
    int floats = 300_000; // 1.2 MB, over the test limit of 1 MiB
    ModelInferRequest.Builder req = GrpcInfer.request("identity", "");
    GrpcInfer.addRaw(req, "big", "FP32", new long[] {floats}, new byte[floats * 4]);
    StatusRuntimeException e = grpcError(grpc.modelInfer(req.build()));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains("exceeds the limit of 1048576 bytes"), e.getStatus().getDescription());
  }

  @Test
  void oversizeMessageInAStreamEndsItWithResourceExhaustedAfterEarlierResponses() {
    ModelInferRequest small = GrpcInfer.addTyped(GrpcInfer.request("identity", "").setId("small"),
        "x", "FP32", new long[] {1}, GrpcInfer.fp32(1f)).build();
    int floats = 300_000;
    ModelInferRequest.Builder big = GrpcInfer.request("identity", "");
    GrpcInfer.addRaw(big, "big", "FP32", new long[] {floats}, new byte[floats * 4]);
    List<ModelStreamInferResponse> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    StatusRuntimeException e = grpcError(grpc.modelStreamInfer(Source.from(List.of(small, big.build())))
        .runWith(Sink.foreach(received::add), edge.testKit.system()));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals("request message of " + big.build().getSerializedSize() + " bytes exceeds the limit of 1048576 bytes",
        e.getStatus().getDescription());
    assertEquals(1, received.size());
    assertEquals("small", received.get(0).getInferResponse().getId());
  }

  @Test
  void streamInferKeepsGoingAfterAnError() throws Exception {
    float[] a = Raw.ramp(16, 0);
    ModelInferRequest.Builder ok = GrpcInfer.request("add_sub", "");
    GrpcInfer.addTyped(ok, "INPUT0", "FP32", ONE_ROW, GrpcInfer.fp32(a));
    GrpcInfer.addTyped(ok, "INPUT1", "FP32", ONE_ROW, GrpcInfer.fp32(a));
    ModelInferRequest bad = GrpcInfer.addTyped(GrpcInfer.request("add_sub", "").setId("bad"),
        "WRONG", "FP32", ONE_ROW, GrpcInfer.fp32(a)).build();
    List<ModelStreamInferResponse> responses = await(grpc.modelStreamInfer(Source.from(List.of(
            ok.setId("first").build(), bad, ok.setId("third").build(),
            ok.setId("fourth").setModelName("busy").build())))
        .runWith(Sink.seq(), edge.testKit.system()));
    assertEquals(4, responses.size());
    assertEquals("", responses.get(0).getErrorMessage());
    assertEquals("first", responses.get(0).getInferResponse().getId());
    assertArrayEquals(sum(a, a), Raw.floats(GrpcInfer.rawOutput(responses.get(0).getInferResponse(), "OUTPUT0")));
    assertEquals("unexpected inference input 'WRONG' for model 'add_sub'", responses.get(1).getErrorMessage());
    assertEquals("bad", responses.get(1).getInferResponse().getId());
    assertEquals("", responses.get(2).getErrorMessage());
    assertEquals("third", responses.get(2).getInferResponse().getId());
    assertEquals("queue of model 'busy' is full (max_queue_size 4)", responses.get(3).getErrorMessage());
  }

  @Test
  void repositoryIndexLoadAndUnload() throws Exception {
    RepositoryIndexResponse all = await(grpc.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()));
    var broken = all.getModelsList().stream().filter(m -> m.getName().equals("broken")).findFirst().orElseThrow();
    assertEquals("UNAVAILABLE", broken.getState());
    assertTrue(broken.getReason().contains("not a valid ONNX file"));
    RepositoryIndexResponse ready = await(grpc.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build()));
    assertTrue(ready.getModelsList().stream().allMatch(m -> m.getState().equals("READY")));

    await(grpc.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName("toggle").build()));
    assertFalse(await(grpc.modelReady(ModelReadyRequest.newBuilder().setName("toggle").build())).getReady());
    await(grpc.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("toggle").build()));
    assertTrue(await(grpc.modelReady(ModelReadyRequest.newBuilder().setName("toggle").build())).getReady());
    assertGrpcError(grpc.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("nope").build()),
        Status.Code.NOT_FOUND, "no model 'nope' in the repository");
  }

  @Test
  void loadCarriesTritonsConfigParameter() throws Exception {
    await(grpc.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("toggle")
        .putParameters("config", io.inferencia.protocols.grpc.ModelRepositoryParameter.newBuilder()
            .setStringParam("{\"max_batch_size\": 2}").build())
        .build()));
    assertEquals("max_batch_size: 2\n", GATEWAY.lastLoadConfig.get("toggle"));
    assertGrpcError(grpc.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("toggle")
            .putParameters("file:1/model.onnx", io.inferencia.protocols.grpc.ModelRepositoryParameter.newBuilder()
                .setBytesParam(com.google.protobuf.ByteString.copyFromUtf8("x")).build())
            .build()),
        Status.Code.INVALID_ARGUMENT, "load parameter 'file:1/model.onnx' is not supported (only 'config', a model config in JSON)");
  }

  // ---- helpers ----

  @Test
  void modelStatisticsCountInferencesOfTheVersion() throws Exception {
    var request = ModelStatisticsRequest.newBuilder().setName("add_sub").setVersion("2").build();
    var before = await(grpc.modelStatistics(request)).getModelStats(0);
    float[] a = Raw.ramp(16, 3);
    ModelInferRequest.Builder req = GrpcInfer.request("add_sub", "2");
    GrpcInfer.addRaw(req, "INPUT0", "FP32", ONE_ROW, Raw.floats(a));
    GrpcInfer.addRaw(req, "INPUT1", "FP32", ONE_ROW, Raw.floats(a));
    await(grpc.modelInfer(req.build()));
    var response = await(grpc.modelStatistics(request));
    assertEquals(1, response.getModelStatsCount());
    var after = response.getModelStats(0);
    assertEquals("add_sub", after.getName());
    assertEquals("2", after.getVersion());
    assertEquals(1, after.getInferenceCount() - before.getInferenceCount());
    assertEquals(1, after.getInferenceStats().getSuccess().getCount() - before.getInferenceStats().getSuccess().getCount());
    assertTrue(after.getLastInference() > 0);
    assertEquals(1, after.getBatchStats(0).getBatchSize());
    assertTrue(await(grpc.modelStatistics(ModelStatisticsRequest.getDefaultInstance())).getModelStatsCount() >= 3);
    assertGrpcError(grpc.modelStatistics(ModelStatisticsRequest.newBuilder().setName("nope").build()),
        Status.Code.NOT_FOUND, "unknown model: 'nope'");
    assertGrpcError(grpc.modelStatistics(ModelStatisticsRequest.newBuilder().setName("broken").build()),
        Status.Code.UNAVAILABLE, "model 'broken' is not ready");
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static StatusRuntimeException grpcError(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
    return assertInstanceOf(StatusRuntimeException.class, e.getCause());
  }

  private static void assertGrpcError(CompletionStage<?> stage, Status.Code code, String message) {
    StatusRuntimeException e = grpcError(stage);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals(message, e.getStatus().getDescription());
  }

  private static ByteBuffer le(byte[] raw) {
    return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static float[] sum(float[] a, float[] b) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) out[i] = a[i] + b[i];
    return out;
  }

  private static float[] diff(float[] a, float[] b) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) out[i] = a[i] - b[i];
    return out;
  }
}

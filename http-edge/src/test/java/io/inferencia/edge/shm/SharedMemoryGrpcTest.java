package io.inferencia.edge.shm;

import static io.inferencia.edge.shm.SharedMemoryRestTest.diff;
import static io.inferencia.edge.shm.SharedMemoryRestTest.ramp;
import static io.inferencia.edge.shm.SharedMemoryRestTest.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.GrpcInfer;
import io.inferencia.edge.testkit.Raw;
import io.inferencia.edge.testkit.ShmObject;
import io.inferencia.protocols.grpc.CudaSharedMemoryRegisterRequest;
import io.inferencia.protocols.grpc.CudaSharedMemoryStatusRequest;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import io.inferencia.protocols.grpc.InferParameter;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import io.inferencia.protocols.grpc.ModelStreamInferResponse;
import io.inferencia.protocols.grpc.ServerMetadataRequest;
import io.inferencia.protocols.grpc.SystemSharedMemoryRegisterRequest;
import io.inferencia.protocols.grpc.SystemSharedMemoryStatusRequest;
import io.inferencia.protocols.grpc.SystemSharedMemoryStatusResponse;
import io.inferencia.protocols.grpc.SystemSharedMemoryUnregisterRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Triton's system shared memory extension over gRPC, with real /dev/shm objects, unary and streaming. */
class SharedMemoryGrpcTest {
  private static final long[] ONE_ROW = {1, FakeGateway.ADD_SUB_WIDTH};
  private static final int ROW_BYTES = 4 * FakeGateway.ADD_SUB_WIDTH;
  private static EdgeFixture edge;
  private static GRPCInferenceServiceClient grpc;
  private final List<ShmObject> objects = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(new FakeGateway(), ConfigFactory.parseString("edge.shared-memory.allow-client = on"));
    grpc = edge.grpc;
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @AfterEach
  void cleanUp() throws Exception {
    await(grpc.systemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest.getDefaultInstance()));
    for (ShmObject o : objects) o.close();
  }

  @Test
  void registersReportsAndUnregisters() throws Exception {
    ShmObject obj = object(128);
    await(grpc.systemSharedMemoryRegister(register("a", obj, 0, 64)));
    await(grpc.systemSharedMemoryRegister(register("b", obj, 64, 64)));
    SystemSharedMemoryStatusResponse all = await(grpc.systemSharedMemoryStatus(SystemSharedMemoryStatusRequest.getDefaultInstance()));
    assertEquals(2, all.getRegionsCount());
    SystemSharedMemoryStatusResponse.RegionStatus b = all.getRegionsOrThrow("b");
    assertEquals(obj.key, b.getKey());
    assertEquals(64, b.getOffset());
    assertEquals(64, b.getByteSize());

    assertGrpcError(grpc.systemSharedMemoryRegister(register("a", obj, 0, 8)), Status.Code.ALREADY_EXISTS,
        "shared memory region 'a' is already registered");
    assertGrpcError(grpc.systemSharedMemoryStatus(SystemSharedMemoryStatusRequest.newBuilder().setName("zz").build()),
        Status.Code.NOT_FOUND, "no shared memory region 'zz' is registered");

    await(grpc.systemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest.newBuilder().setName("a").build()));
    SystemSharedMemoryStatusResponse left = await(grpc.systemSharedMemoryStatus(SystemSharedMemoryStatusRequest.getDefaultInstance()));
    assertEquals(List.of("b"), List.copyOf(left.getRegionsMap().keySet()));
    assertTrue(await(grpc.serverMetadata(ServerMetadataRequest.getDefaultInstance())).getExtensionsList()
        .contains("system_shared_memory"));
  }

  @Test
  void modelInferReadsAndWritesRegions() throws Exception {
    ShmObject in = object(ROW_BYTES);
    ShmObject out = object(2 * ROW_BYTES);
    float[] a = ramp(2);
    float[] b = ramp(40);
    in.putFloats(0, a);
    await(grpc.systemSharedMemoryRegister(register("in", in, 0, ROW_BYTES)));
    await(grpc.systemSharedMemoryRegister(register("out", out, 0, 2 * ROW_BYTES)));

    // INPUT0 in shared memory, INPUT1 in raw_input_contents: its one entry belongs to INPUT1, as in Triton.
    ModelInferRequest.Builder r = GrpcInfer.request("add_sub", "");
    r.addInputs(shm(GrpcInfer.input("INPUT0", "FP32", ONE_ROW), "in", 0, ROW_BYTES));
    GrpcInfer.addRaw(r, "INPUT1", "FP32", ONE_ROW, Raw.floats(b));
    r.addOutputs(shmOut("OUTPUT0", "out", 0, ROW_BYTES));
    r.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("OUTPUT1"));
    ModelInferResponse resp = await(grpc.modelInfer(r.build()));

    assertArrayEquals(sum(a, b), out.floats(0, FakeGateway.ADD_SUB_WIDTH));
    assertEquals(0, GrpcInfer.rawOutput(resp, "OUTPUT0").length, "an output in shared memory carries no bytes");
    var out0 = resp.getOutputsList().stream().filter(o -> o.getName().equals("OUTPUT0")).findFirst().orElseThrow();
    assertEquals("out", out0.getParametersOrThrow("shared_memory_region").getStringParam());
    assertEquals(ROW_BYTES, out0.getParametersOrThrow("shared_memory_byte_size").getInt64Param());
    assertArrayEquals(diff(a, b), Raw.floats(GrpcInfer.rawOutput(resp, "OUTPUT1")));
  }

  @Test
  void streamInferUsesRegionsPerRequest() throws Exception {
    ShmObject obj = object(4 * ROW_BYTES);
    float[] a = ramp(5);
    obj.putFloats(0, a);
    obj.putFloats(ROW_BYTES, a);
    await(grpc.systemSharedMemoryRegister(register("s", obj, 0, 4 * ROW_BYTES)));
    ModelInferRequest.Builder ok = GrpcInfer.request("add_sub", "").setId("ok");
    ok.addInputs(shm(GrpcInfer.input("INPUT0", "FP32", ONE_ROW), "s", 0, ROW_BYTES));
    ok.addInputs(shm(GrpcInfer.input("INPUT1", "FP32", ONE_ROW), "s", ROW_BYTES, ROW_BYTES));
    ok.addOutputs(shmOut("OUTPUT0", "s", 2 * ROW_BYTES, ROW_BYTES));
    ok.addOutputs(shmOut("OUTPUT1", "s", 3 * ROW_BYTES, ROW_BYTES));
    ModelInferRequest.Builder bad = GrpcInfer.request("add_sub", "").setId("bad");
    bad.addInputs(shm(GrpcInfer.input("INPUT0", "FP32", ONE_ROW), "missing", 0, ROW_BYTES));
    bad.addInputs(shm(GrpcInfer.input("INPUT1", "FP32", ONE_ROW), "s", 0, ROW_BYTES));

    List<ModelStreamInferResponse> responses = await(grpc.modelStreamInfer(Source.from(List.of(ok.build(), bad.build())))
        .runWith(Sink.seq(), edge.testKit.system()));
    assertEquals("", responses.get(0).getErrorMessage());
    assertArrayEquals(sum(a, a), obj.floats(2 * ROW_BYTES, FakeGateway.ADD_SUB_WIDTH));
    assertArrayEquals(diff(a, a), obj.floats(3 * ROW_BYTES, FakeGateway.ADD_SUB_WIDTH));
    assertEquals("input 'INPUT0': no shared memory region 'missing' is registered", responses.get(1).getErrorMessage());
    assertEquals("bad", responses.get(1).getInferResponse().getId());
  }

  @Test
  void refusesBadReferences() throws Exception {
    ShmObject obj = object(ROW_BYTES);
    await(grpc.systemSharedMemoryRegister(register("r", obj, 0, ROW_BYTES)));
    byte[] row = Raw.floats(ramp(0));

    ModelInferRequest.Builder both = GrpcInfer.request("add_sub", "");
    both.addInputs(shm(GrpcInfer.input("INPUT0", "FP32", ONE_ROW), "r", 0, ROW_BYTES).setContents(GrpcInfer.fp32(ramp(0))));
    GrpcInfer.addTyped(both, "INPUT1", "FP32", ONE_ROW, GrpcInfer.fp32(ramp(0)));
    assertGrpcError(grpc.modelInfer(both.build()), Status.Code.INVALID_ARGUMENT,
        "input 'INPUT0': contents must not be set when the input is in shared memory");

    ModelInferRequest.Builder extraRaw = GrpcInfer.request("add_sub", "");
    extraRaw.addInputs(shm(GrpcInfer.input("INPUT0", "FP32", ONE_ROW), "r", 0, ROW_BYTES));
    GrpcInfer.addRaw(extraRaw, "INPUT1", "FP32", ONE_ROW, row).addRawInputContents(ByteString.copyFrom(row));
    assertGrpcError(grpc.modelInfer(extraRaw.build()), Status.Code.INVALID_ARGUMENT,
        "raw_input_contents has 2 entries for 1 inputs not in shared memory");

    ModelInferRequest.Builder wrongType = GrpcInfer.request("add_sub", "");
    wrongType.addInputs(GrpcInfer.input("INPUT0", "FP32", ONE_ROW)
        .putParameters("shared_memory_region", InferParameter.newBuilder().setInt64Param(3).build())
        .putParameters("shared_memory_byte_size", InferParameter.newBuilder().setInt64Param(64).build()));
    GrpcInfer.addTyped(wrongType, "INPUT1", "FP32", ONE_ROW, GrpcInfer.fp32(ramp(0)));
    assertGrpcError(grpc.modelInfer(wrongType.build()), Status.Code.INVALID_ARGUMENT,
        "input 'INPUT0': parameter 'shared_memory_region' must be a string");

    ModelInferRequest.Builder small = GrpcInfer.request("add_sub", "");
    small.addInputs(shm(GrpcInfer.input("INPUT0", "FP32", ONE_ROW), "r", 0, ROW_BYTES));
    GrpcInfer.addRaw(small, "INPUT1", "FP32", ONE_ROW, row);
    small.addOutputs(shmOut("OUTPUT0", "r", 0, 16));
    assertGrpcError(grpc.modelInfer(small.build()), Status.Code.INVALID_ARGUMENT,
        "output 'OUTPUT0': shared_memory_byte_size 16 is too small for the result of 64 bytes");

    assertGrpcError(grpc.systemSharedMemoryRegister(SystemSharedMemoryRegisterRequest.newBuilder()
            .setName("huge").setKey(obj.key).setByteSize(-1L).build()), Status.Code.INVALID_ARGUMENT,
        "shared memory region 'huge': byte_size 9223372036854775807 is over the limit of 2147483647 bytes");
  }

  @Test
  void cudaRegionsAreRefused() throws Exception {
    assertEquals(0, await(grpc.cudaSharedMemoryStatus(CudaSharedMemoryStatusRequest.getDefaultInstance())).getRegionsCount());
    assertGrpcError(grpc.cudaSharedMemoryRegister(CudaSharedMemoryRegisterRequest.newBuilder().setName("g").setByteSize(8).build()),
        Status.Code.INVALID_ARGUMENT, "CUDA shared memory is not supported by this server; use system shared memory");
  }

  @Test
  void offByDefault() throws Exception {
    try (EdgeFixture off = EdgeFixture.start(new FakeGateway())) {
      ShmObject obj = object(64);
      assertGrpcError(off.grpc.systemSharedMemoryRegister(register("r", obj, 0, 64)), Status.Code.PERMISSION_DENIED,
          "client shared memory is off on this server (edge.shared-memory.allow-client, EDGE_ALLOW_CLIENT_SHM)");
    }
  }

  private ShmObject object(int bytes) throws Exception {
    ShmObject o = ShmObject.create(bytes);
    objects.add(o);
    return o;
  }

  private static SystemSharedMemoryRegisterRequest register(String name, ShmObject obj, long offset, long size) {
    return SystemSharedMemoryRegisterRequest.newBuilder().setName(name).setKey(obj.key).setOffset(offset).setByteSize(size).build();
  }

  private static ModelInferRequest.InferInputTensor.Builder shm(
      ModelInferRequest.InferInputTensor.Builder in, String region, long offset, long size) {
    return in.putParameters("shared_memory_region", InferParameter.newBuilder().setStringParam(region).build())
        .putParameters("shared_memory_offset", InferParameter.newBuilder().setInt64Param(offset).build())
        .putParameters("shared_memory_byte_size", InferParameter.newBuilder().setInt64Param(size).build());
  }

  private static ModelInferRequest.InferRequestedOutputTensor.Builder shmOut(String name, String region, long offset, long size) {
    return ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(name)
        .putParameters("shared_memory_region", InferParameter.newBuilder().setStringParam(region).build())
        .putParameters("shared_memory_offset", InferParameter.newBuilder().setInt64Param(offset).build())
        .putParameters("shared_memory_byte_size", InferParameter.newBuilder().setInt64Param(size).build());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static void assertGrpcError(CompletionStage<?> stage, Status.Code code, String message) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
    StatusRuntimeException s = assertInstanceOf(StatusRuntimeException.class, e.getCause());
    assertEquals(code, s.getStatus().getCode(), s.getStatus().toString());
    assertEquals(message, s.getStatus().getDescription());
  }
}

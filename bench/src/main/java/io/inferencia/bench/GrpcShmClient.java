package io.inferencia.bench;

import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import io.inferencia.protocols.grpc.InferParameter;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import io.inferencia.protocols.grpc.SystemSharedMemoryRegisterRequest;
import io.inferencia.protocols.grpc.SystemSharedMemoryUnregisterRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * The same ModelInfer call as a same-host Triton client sends it with system shared memory: the input
 * lies in a registered region of a /dev/shm object, and each call's output goes to one of {@code slots}
 * output slots of another, so the request and the answer carry no tensor bytes.
 */
final class GrpcShmClient implements AutoCloseable {
  private final GRPCInferenceServiceClient client;
  private final ModelInferRequest[] requests;
  private final AtomicInteger next = new AtomicInteger();
  private final Path object;

  GrpcShmClient(ActorSystem<?> system, int port, String model, String input, String output, long[] shape, byte[] raw,
      long outputBytes, int slots) throws Exception {
    this.client = GRPCInferenceServiceClient.create(
        GrpcClientSettings.connectToServiceAt("127.0.0.1", port, system).withTls(false), system);
    String name = "inferencia-bench-" + UUID.randomUUID();
    this.object = Path.of("/dev/shm", name);
    byte[] contents = new byte[(int) (raw.length + outputBytes * slots)];
    System.arraycopy(raw, 0, contents, 0, raw.length);
    Files.write(object, contents);
    client.systemSharedMemoryRegister(SystemSharedMemoryRegisterRequest.newBuilder()
        .setName(name).setKey("/" + name).setOffset(0).setByteSize(contents.length).build())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder()
        .setName(input).setDatatype("FP32")
        .putParameters("shared_memory_region", string(name))
        .putParameters("shared_memory_byte_size", int64(raw.length));
    for (long d : shape) t.addShape(d);
    this.requests = new ModelInferRequest[slots];
    for (int i = 0; i < slots; i++)
      requests[i] = ModelInferRequest.newBuilder().setModelName(model).addInputs(t)
          .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(output)
              .putParameters("shared_memory_region", string(name))
              .putParameters("shared_memory_offset", int64(raw.length + outputBytes * i))
              .putParameters("shared_memory_byte_size", int64(outputBytes)))
          .build();
  }

  /** The request of slot {@code i}: tensors by reference only (for a load generator that replays it). */
  ModelInferRequest request(int i) {
    return requests[i];
  }

  CompletionStage<ModelInferResponse> infer() {
    return client.modelInfer(requests[Math.floorMod(next.getAndIncrement(), requests.length)]);
  }

  private static InferParameter string(String v) {
    return InferParameter.newBuilder().setStringParam(v).build();
  }

  private static InferParameter int64(long v) {
    return InferParameter.newBuilder().setInt64Param(v).build();
  }

  @Override
  public void close() throws IOException {
    try {
      client.systemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest.getDefaultInstance())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The node may be gone already; the object is removed either way.
    } finally {
      client.close();
      Files.deleteIfExists(object);
    }
  }
}

package io.inferencia.edge.grpc;

import io.inferencia.edge.errors.ErrorMapping;
import io.inferencia.edge.shm.RegionStatus;
import io.inferencia.protocols.grpc.CudaSharedMemoryStatusResponse;
import io.inferencia.protocols.grpc.SystemSharedMemoryStatusResponse;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The shared-memory extension's gRPC messages. */
final class GrpcSharedMemory {
  private GrpcSharedMemory() {}

  static SystemSharedMemoryStatusResponse status(List<RegionStatus> regions) {
    SystemSharedMemoryStatusResponse.Builder b = SystemSharedMemoryStatusResponse.newBuilder();
    for (RegionStatus r : regions)
      b.putRegions(r.name(), SystemSharedMemoryStatusResponse.RegionStatus.newBuilder()
          .setName(r.name()).setKey(r.key()).setOffset(r.offset()).setByteSize(r.byteSize()).build());
    return b.build();
  }

  /** A uint64 field as a long; values past Long.MAX_VALUE stay out of range (and are refused as such). */
  static long unsigned(long value) {
    return value < 0 ? Long.MAX_VALUE : value;
  }

  /** No CUDA region can be registered, so the whole list is empty and a named one is unknown. */
  static CompletionStage<CudaSharedMemoryStatusResponse> cudaStatus(String name) {
    if (name.isEmpty()) return CompletableFuture.completedFuture(CudaSharedMemoryStatusResponse.getDefaultInstance());
    return CompletableFuture.failedFuture(ErrorMapping.toGrpc(
        new InferenceException(ErrorKind.NOT_FOUND, "no CUDA shared memory region '" + name + "' is registered")));
  }

  static InferenceException noCuda() {
    return new InferenceException(ErrorKind.INVALID_ARGUMENT,
        "CUDA shared memory is not supported by this server; use system shared memory");
  }
}

package io.inferencia.edge.grpc;

import io.inferencia.edge.tracing.GrpcTracing;
import io.inferencia.protocols.tracing.Tracing;

import io.inferencia.edge.EdgeSettings;
import io.inferencia.edge.GatewayCalls;
import io.inferencia.edge.auth.GrpcAuth;
import io.inferencia.edge.auth.Role;
import io.inferencia.edge.errors.ErrorMapping;
import io.inferencia.edge.health.ReadinessChecks;
import io.inferencia.edge.kserve.ConfigOverride;
import io.inferencia.edge.logging.LogControl;
import io.inferencia.edge.shm.SharedMemoryRegions;
import io.inferencia.protocols.grpc.CudaSharedMemoryRegisterRequest;
import io.inferencia.protocols.grpc.CudaSharedMemoryRegisterResponse;
import io.inferencia.protocols.grpc.CudaSharedMemoryStatusRequest;
import io.inferencia.protocols.grpc.CudaSharedMemoryStatusResponse;
import io.inferencia.protocols.grpc.CudaSharedMemoryUnregisterRequest;
import io.inferencia.protocols.grpc.CudaSharedMemoryUnregisterResponse;
import io.inferencia.protocols.grpc.GRPCInferenceServicePowerApi;
import io.inferencia.protocols.grpc.LogSettingsRequest;
import io.inferencia.protocols.grpc.LogSettingsResponse;
import io.inferencia.protocols.grpc.ModelConfigRequest;
import io.inferencia.protocols.grpc.ModelConfigResponse;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import io.inferencia.protocols.grpc.ModelMetadataRequest;
import io.inferencia.protocols.grpc.ModelMetadataResponse;
import io.inferencia.protocols.grpc.ModelReadyRequest;
import io.inferencia.protocols.grpc.ModelReadyResponse;
import io.inferencia.protocols.grpc.ModelStatisticsRequest;
import io.inferencia.protocols.grpc.ModelStatisticsResponse;
import io.inferencia.protocols.grpc.ModelStreamInferResponse;
import io.inferencia.protocols.grpc.RepositoryIndexRequest;
import io.inferencia.protocols.grpc.RepositoryIndexResponse;
import io.inferencia.protocols.grpc.RepositoryModelLoadRequest;
import io.inferencia.protocols.grpc.RepositoryModelLoadResponse;
import io.inferencia.protocols.grpc.RepositoryModelUnloadRequest;
import io.inferencia.protocols.grpc.RepositoryModelUnloadResponse;
import io.inferencia.protocols.grpc.ServerLiveRequest;
import io.inferencia.protocols.grpc.ServerLiveResponse;
import io.inferencia.protocols.grpc.ServerMetadataRequest;
import io.inferencia.protocols.grpc.ServerMetadataResponse;
import io.inferencia.protocols.grpc.ServerReadyRequest;
import io.inferencia.protocols.grpc.ServerReadyResponse;
import io.inferencia.protocols.grpc.SystemSharedMemoryRegisterRequest;
import io.inferencia.protocols.grpc.SystemSharedMemoryRegisterResponse;
import io.inferencia.protocols.grpc.SystemSharedMemoryStatusRequest;
import io.inferencia.protocols.grpc.SystemSharedMemoryStatusResponse;
import io.inferencia.protocols.grpc.SystemSharedMemoryUnregisterRequest;
import io.inferencia.protocols.grpc.SystemSharedMemoryUnregisterResponse;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceGateway;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The KServe v2 gRPC service (Triton's {@code inference.GRPCInferenceService}). Each call asks the
 * gateway; failures become {@link org.apache.pekko.grpc.GrpcServiceException} with the status {@link
 * ErrorMapping} chose, except in ModelStreamInfer where they travel in {@code error_message} so one
 * bad request does not end the stream.
 */
public final class InferenceGrpcService implements GRPCInferenceServicePowerApi {
  private final ReadinessChecks readiness;
  private final InferenceGateway gateway;
  private final EdgeSettings settings;
  private final SharedMemoryRegions regions;
  private final LogControl logs;
  private final GrpcAuth auth;

  public InferenceGrpcService(InferenceGateway gateway, EdgeSettings settings, SharedMemoryRegions regions,
      LogControl logs, GrpcAuth auth, ReadinessChecks readiness) {
    this.readiness = readiness;
    // The edge's deadline is the gateway's own ask timeout: one timer per request.
    this.gateway = gateway.within(settings.askTimeout());
    this.settings = settings;
    this.regions = regions;
    this.logs = logs;
    this.auth = auth;
  }

  @Override
  public CompletionStage<ServerLiveResponse> serverLive(ServerLiveRequest in, Metadata metadata) {
    return CompletableFuture.completedFuture(ServerLiveResponse.newBuilder().setLive(true).build());
  }

  @Override
  public CompletionStage<ServerReadyResponse> serverReady(ServerReadyRequest in, Metadata metadata) {
    return ask(() -> gateway.serverReady().thenApply(ready -> ready && readiness.allPass()),
        r -> ServerReadyResponse.newBuilder().setReady(r).build());
  }

  @Override
  public CompletionStage<ModelReadyResponse> modelReady(ModelReadyRequest in, Metadata metadata) {
    return ask(() -> gateway.modelReady(in.getName(), in.getVersion()),
        r -> ModelReadyResponse.newBuilder().setReady(r).build());
  }

  @Override
  public CompletionStage<ServerMetadataResponse> serverMetadata(ServerMetadataRequest in, Metadata metadata) {
    return auth.call(metadata, Role.INFER, p -> CompletableFuture.completedFuture(ServerMetadataResponse.newBuilder()
        .setName(settings.serverName())
        .setVersion(settings.serverVersion())
        .addAllExtensions(settings.extensions())
        .build()));
  }

  @Override
  public CompletionStage<ModelMetadataResponse> modelMetadata(ModelMetadataRequest in, Metadata metadata) {
    return auth.call(metadata, Role.INFER, p -> ask(() -> gateway.metadata(in.getName(), in.getVersion()), GrpcMetadata::metadata));
  }

  @Override
  public CompletionStage<ModelInferResponse> modelInfer(ModelInferRequest in, Metadata metadata) {
    return modelInfer(in, GrpcTimeout.micros(metadata), metadata.getText("authorization"), metadata.getText("x-api-key"),
        metadata.getText(Tracing.TRACEPARENT));
  }

  /**
   * As {@link #modelInfer(ModelInferRequest, Metadata)} for a client that waits {@code clientTimeoutMicros} at most
   * (0: no limit) and sent these credentials and trace context.
   */
  public CompletionStage<ModelInferResponse> modelInfer(ModelInferRequest in, long clientTimeoutMicros,
      Optional<String> authorization, Optional<String> apiKey, Optional<String> traceparent) {
    return auth.call(authorization, apiKey, Role.INFER, p -> GrpcTracing.traced("ModelInfer", traceparent,
        trace -> ask(() -> infer(in, clientTimeoutMicros, trace), Function.identity())));
  }

  @Override
  public Source<ModelStreamInferResponse, NotUsed> modelStreamInfer(Source<ModelInferRequest, NotUsed> in, Metadata metadata) {
    // The call's deadline covers the whole stream: each request gets what is left of it.
    long timeout = GrpcTimeout.micros(metadata);
    long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(timeout);
    Optional<String> traceparent = metadata.getText(Tracing.TRACEPARENT);
    return auth.stream(metadata, Role.INFER, p -> in.mapAsync(settings.streamParallelism(), req -> GatewayCalls.call(
            () -> GrpcTracing.traced("ModelStreamInfer", traceparent, trace -> infer(req, timeout == 0 ? 0 : remaining(deadline), trace)))
        .handle((resp, failure) -> failure == null
            ? ModelStreamInferResponse.newBuilder().setInferResponse(resp).build()
            : ModelStreamInferResponse.newBuilder()
                .setErrorMessage(ErrorMapping.classify(failure).message())
                // Echo the request's identity so the client can tell which request failed.
                .setInferResponse(ModelInferResponse.newBuilder()
                    .setModelName(req.getModelName())
                    .setModelVersion(req.getModelVersion())
                    .setId(req.getId()))
                .build())));
  }

  @Override
  public CompletionStage<ModelStatisticsResponse> modelStatistics(ModelStatisticsRequest in, Metadata metadata) {
    return auth.call(metadata, Role.INFER, p -> ask(() -> gateway.statistics(in.getName(), in.getVersion()), GrpcStatistics::response));
  }

  @Override
  public CompletionStage<ModelConfigResponse> modelConfig(ModelConfigRequest in, Metadata metadata) {
    return auth.call(metadata, Role.INFER, p -> ask(() -> gateway.config(in.getName(), in.getVersion()),
        c -> ModelConfigResponse.newBuilder().setConfig(c).build()));
  }

  @Override
  public CompletionStage<RepositoryIndexResponse> repositoryIndex(RepositoryIndexRequest in, Metadata metadata) {
    return auth.call(metadata, Role.INFER, p -> ask(() -> gateway.index(in.getReady()), GrpcMetadata::index));
  }

  @Override
  public CompletionStage<RepositoryModelLoadResponse> repositoryModelLoad(RepositoryModelLoadRequest in, Metadata metadata) {
    return admin(metadata, () -> ask(() -> gateway.load(in.getModelName(), ConfigOverride.configText(loadParameters(in))),
        v -> RepositoryModelLoadResponse.getDefaultInstance()));
  }

  private static Map<String, String> loadParameters(RepositoryModelLoadRequest in) {
    Map<String, String> out = new HashMap<>();
    in.getParametersMap().forEach((name, p) -> out.put(name, switch (p.getParameterChoiceCase()) {
      case STRING_PARAM -> p.getStringParam();
      case BYTES_PARAM -> p.getBytesParam().toStringUtf8();
      case BOOL_PARAM -> Boolean.toString(p.getBoolParam());
      case INT64_PARAM -> Long.toString(p.getInt64Param());
      case PARAMETERCHOICE_NOT_SET -> "";
    }));
    return out;
  }

  @Override
  public CompletionStage<RepositoryModelUnloadResponse> repositoryModelUnload(RepositoryModelUnloadRequest in, Metadata metadata) {
    return admin(metadata, () ->
        ask(() -> gateway.unload(in.getModelName()), v -> RepositoryModelUnloadResponse.getDefaultInstance()));
  }

  @Override
  public CompletionStage<SystemSharedMemoryStatusResponse> systemSharedMemoryStatus(SystemSharedMemoryStatusRequest in,
      Metadata metadata) {
    return admin(metadata, () ->
        ask(() -> CompletableFuture.completedFuture(regions.status(in.getName())), GrpcSharedMemory::status));
  }

  @Override
  public CompletionStage<SystemSharedMemoryRegisterResponse> systemSharedMemoryRegister(
      SystemSharedMemoryRegisterRequest in, Metadata metadata) {
    return admin(metadata, () -> ask(() -> regions.register(in.getName(), in.getKey(),
        GrpcSharedMemory.unsigned(in.getOffset()), GrpcSharedMemory.unsigned(in.getByteSize())),
        v -> SystemSharedMemoryRegisterResponse.getDefaultInstance()));
  }

  @Override
  public CompletionStage<SystemSharedMemoryUnregisterResponse> systemSharedMemoryUnregister(
      SystemSharedMemoryUnregisterRequest in, Metadata metadata) {
    return admin(metadata, () -> {
      regions.unregister(in.getName());
      return CompletableFuture.completedFuture(SystemSharedMemoryUnregisterResponse.getDefaultInstance());
    });
  }

  @Override
  public CompletionStage<CudaSharedMemoryStatusResponse> cudaSharedMemoryStatus(CudaSharedMemoryStatusRequest in,
      Metadata metadata) {
    return admin(metadata, () -> GrpcSharedMemory.cudaStatus(in.getName()));
  }

  @Override
  public CompletionStage<CudaSharedMemoryRegisterResponse> cudaSharedMemoryRegister(CudaSharedMemoryRegisterRequest in,
      Metadata metadata) {
    return admin(metadata, () -> CompletableFuture.failedFuture(ErrorMapping.toGrpc(GrpcSharedMemory.noCuda())));
  }

  @Override
  public CompletionStage<CudaSharedMemoryUnregisterResponse> cudaSharedMemoryUnregister(
      CudaSharedMemoryUnregisterRequest in, Metadata metadata) {
    // No CUDA region can exist, so every one asked for is already gone.
    return admin(metadata, () -> CompletableFuture.completedFuture(CudaSharedMemoryUnregisterResponse.getDefaultInstance()));
  }

  @Override
  public CompletionStage<LogSettingsResponse> logSettings(LogSettingsRequest in, Metadata metadata) {
    return admin(metadata, () -> ask(() -> CompletableFuture.completedFuture(
        in.getSettingsCount() == 0 ? logs.current() : logs.update(GrpcLogSettings.changes(in))), GrpcLogSettings::response));
  }

  /** The admin extensions: the {@code admin} role when credentials are configured (UNAUTHENTICATED / PERMISSION_DENIED). */
  private <T> CompletionStage<T> admin(Metadata metadata, Supplier<CompletionStage<T>> call) {
    return auth.call(metadata, Role.ADMIN, p -> call.get());
  }

  /** Decodes (may throw INVALID_ARGUMENT), infers within the client's remaining time (0: no limit), encodes. */
  private CompletionStage<ModelInferResponse> infer(ModelInferRequest in, long clientTimeoutMicros, String traceparent) {
    GrpcTensors.Decoded decoded = GrpcTensors.toDomain(in, regions);
    return gateway.infer(decoded.request().withClientTimeout(clientTimeoutMicros).withTraceparent(traceparent))
        .thenApply(response -> GrpcTensors.toProto(response, decoded.shmOutputs()));
  }

  private static long remaining(long deadlineNanos) {
    long left = TimeUnit.NANOSECONDS.toMicros(deadlineNanos - System.nanoTime());
    if (left <= 0)
      throw new InferenceException(ErrorKind.DEADLINE_EXCEEDED, "the stream's deadline passed before the request was sent");
    return left;
  }

  /** Calls the gateway within the ask timeout; any failure becomes a GrpcServiceException. */
  private <T, R> CompletionStage<R> ask(Supplier<CompletionStage<T>> call, Function<T, R> map) {
    CompletableFuture<R> result = new CompletableFuture<>();
    GatewayCalls.call(call).whenComplete((v, failure) -> {
      if (failure != null) {
        result.completeExceptionally(ErrorMapping.toGrpc(failure));
        return;
      }
      try {
        result.complete(map.apply(v));
      } catch (RuntimeException e) {
        result.completeExceptionally(ErrorMapping.toGrpc(e));
      }
    });
    return result;
  }
}

package io.inferencia.edge.api;

import com.typesafe.config.Config;
import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.Metadata;

/**
 * Who may call the KServe edge's admin extensions (repository load and unload, logging, shared
 * memory). With API keys configured ({@code api.keys}, {@code API_KEYS}) these need a valid key, sent
 * as for {@code /v1}: {@code Authorization: Bearer <key>} or {@code X-Api-Key} (gRPC: the same
 * metadata). Without keys the node is open, as before. Any valid key is enough until roles exist.
 */
public final class AdminAccess {
  private final Tenants tenants;

  public AdminAccess(Tenants tenants) {
    this.tenants = tenants;
  }

  /** From the node's {@code api} section. */
  public static AdminAccess fromConfig(Config config) {
    return new AdminAccess(Tenants.fromConfig(config.getConfig("api")));
  }

  /** @throws ApiProblem 401 unless the presented key is valid (or no keys are configured) */
  public void check(Optional<String> authorization, Optional<String> apiKey) {
    tenants.resolve(authorization, apiKey);
  }

  /** Runs {@code call} for an allowed caller; otherwise fails with UNAUTHENTICATED and the reason. */
  public <T> CompletionStage<T> grpc(Metadata metadata, Supplier<CompletionStage<T>> call) {
    try {
      check(metadata.getText("authorization"), metadata.getText("x-api-key"));
    } catch (ApiProblem p) {
      return CompletableFuture.failedFuture(new GrpcServiceException(Status.UNAUTHENTICATED.withDescription(p.detail())));
    }
    return call.get();
  }
}

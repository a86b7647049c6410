package io.inferencia.edge.auth;

import io.inferencia.edge.api.Problems;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.stream.javadsl.Source;

/** The gRPC side of {@link Authenticator}: the same credentials in metadata; UNAUTHENTICATED or PERMISSION_DENIED. */
public final class GrpcAuth {
  private final Authenticator auth;

  public GrpcAuth(Authenticator auth) {
    this.auth = auth;
  }

  public CompletionStage<Principal> principal(Metadata metadata, Role role) {
    return principal(metadata.getText("authorization"), metadata.getText("x-api-key"), role);
  }

  /** From the two credential headers (a handler that reads the request itself). */
  public CompletionStage<Principal> principal(Optional<String> authorization, Optional<String> apiKey, Role role) {
    CompletableFuture<Principal> out = new CompletableFuture<>();
    auth.authorize(authorization, apiKey, role).whenComplete((p, t) -> {
      if (t == null) out.complete(p);
      else out.completeExceptionally(Problems.toGrpc(t));
    });
    return out;
  }

  /** Runs {@code call} for a caller with {@code role}. */
  public <T> CompletionStage<T> call(Metadata metadata, Role role, Function<Principal, CompletionStage<T>> call) {
    return principal(metadata, role).thenCompose(call);
  }

  public <T> CompletionStage<T> call(Optional<String> authorization, Optional<String> apiKey, Role role,
      Function<Principal, CompletionStage<T>> call) {
    return principal(authorization, apiKey, role).thenCompose(call);
  }

  /** A streaming call: the stream fails with the status before any element when the caller may not. */
  public <T> Source<T, NotUsed> stream(Metadata metadata, Role role, Function<Principal, Source<T, NotUsed>> call) {
    return Source.completionStageSource(principal(metadata, role).thenApply(call))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }
}

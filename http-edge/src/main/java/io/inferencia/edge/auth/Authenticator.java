package io.inferencia.edge.auth;

import com.typesafe.config.Config;
import io.inferencia.edge.api.ApiProblem;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Who is calling, and whether they may. Credentials: an API key ({@code X-Api-Key}, or
 * {@code Authorization: Bearer <key>}) or, with OIDC configured, a bearer JWT. With neither keys nor
 * OIDC configured the node is open: every caller is the default tenant with every role. Otherwise
 * only health, readiness and metrics are anonymous (the callers of this class decide which calls
 * those are). Failures are {@link ApiProblem}s: 401 for missing or bad credentials, 403 for a caller
 * without the role.
 */
public final class Authenticator {
  private final ApiKeys keys;
  private final Optional<JwtVerifier> oidc;
  private final Principal open;
  private final TenantRateLimiter rate;

  Authenticator(ApiKeys keys, Optional<JwtVerifier> oidc, String defaultTenant, TenantRateLimiter rate) {
    this.rate = rate;
    this.keys = keys;
    this.oidc = oidc;
    if (!ApiKeys.TENANT.matcher(defaultTenant).matches())
      throw new IllegalArgumentException("api.default-tenant '" + defaultTenant + "' must match " + ApiKeys.TENANT);
    this.open = Principal.open(defaultTenant);
  }

  /** From the node's {@code api} section; validates it (a bad setting fails the start). */
  public static Authenticator fromConfig(Config api) {
    return new Authenticator(ApiKeys.fromConfig(api), OidcSettings.fromConfig(api).map(JwtVerifier::new),
        api.getString("default-tenant"), TenantRateLimiter.fromConfig(api.getConfig("limits")));
  }

  public boolean open() {
    return keys.isEmpty() && oidc.isEmpty();
  }

  /** Starts fetching the issuer's keys, so the first token does not wait for them. */
  public void warmUp() {
    oidc.ifPresent(JwtVerifier::warmUp);
  }

  public CompletionStage<Principal> authenticate(Optional<String> authorization, Optional<String> apiKey) {
    if (open()) return CompletableFuture.completedFuture(open);
    if (apiKey.isPresent()) return byKey(apiKey.get().trim());
    Optional<String> bearer = authorization
        .filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(a -> a.substring(7).trim())
        .filter(t -> !t.isEmpty());
    if (bearer.isEmpty()) return CompletableFuture.failedFuture(ApiProblem.unauthorized(oidc.isPresent()
        ? "send a bearer token as 'Authorization: Bearer <token>' (an OIDC access token or an API key) or an API key as 'X-Api-Key'"
        : "send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key'"));
    if (oidc.isPresent() && JwtVerifier.looksLikeJwt(bearer.get())) return oidc.get().verify(bearer.get());
    return byKey(bearer.get());
  }

  /** Authenticates, checks that the caller holds {@code role}, and takes one request of its tenant's rate. */
  public CompletionStage<Principal> authorize(Optional<String> authorization, Optional<String> apiKey, Role role) {
    CompletionStage<Principal> caller = authenticate(authorization, apiKey);
    if (!rate.enabled()) return caller.thenApply(p -> p.require(role));
    return caller.thenApply(p -> {
      p.require(role);
      rate.admit(p);
      return p;
    });
  }

  private CompletionStage<Principal> byKey(String key) {
    return keys.find(key).<CompletionStage<Principal>>map(CompletableFuture::completedFuture)
        .orElseGet(() -> CompletableFuture.failedFuture(ApiProblem.unauthorized(
            oidc.isPresent() ? "the bearer token or API key is not valid" : "the API key is not valid")));
  }
}

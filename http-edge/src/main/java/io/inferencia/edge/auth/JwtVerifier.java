package io.inferencia.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.inferencia.edge.api.ApiProblem;
import java.text.ParseException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates OIDC bearer JWTs (Keycloak's access tokens, or any issuer's): a signature by a key of the
 * issuer's JWKS with one of the pinned algorithms (so never {@code none}, never HMAC), {@code iss}
 * equal to the configured issuer, the configured audience in {@code aud}, {@code exp} required and
 * {@code exp}/{@code nbf} checked with the leeway. The tenant and the roles come from configurable
 * claims; a dotted name reaches into objects ({@code realm_access.roles}).
 */
final class JwtVerifier {
  /** Verified tokens, so a client that sends the same token again costs a map lookup, not a signature check. */
  private static final int CACHE_LIMIT = 10_000;
  private final OidcSettings settings;
  private final JwksKeys keys;
  private final DefaultJWTProcessor<KeysContext> processor = new DefaultJWTProcessor<>();
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private record KeysContext(JWKSet keys) implements SecurityContext {}

  private record Verified(Principal principal, long expiresAtMs) {}

  JwtVerifier(OidcSettings settings) {
    this.settings = settings;
    this.keys = new JwksKeys(settings);
    processor.setJWSKeySelector(new JWSVerificationKeySelector<KeysContext>(settings.algorithms(),
        (selector, context) -> selector.select(context.keys())));
    DefaultJWTClaimsVerifier<KeysContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(settings.audience()),
        new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("exp"), null);
    claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, settings.leeway().toSeconds()));
    processor.setJWTClaimsSetVerifier(claims);
  }

  /** Fetches the keys ahead of the first request. */
  void warmUp() {
    keys.refresh();
  }

  /** Looks like a compact JWS (three dot-separated parts) rather than an API key. */
  static boolean looksLikeJwt(String token) {
    int first = token.indexOf('.');
    return first > 0 && token.indexOf('.', first + 1) > first + 1;
  }

  CompletionStage<Principal> verify(String token) {
    Verified hit = verified.get(token);
    if (hit != null) {
      if (System.currentTimeMillis() <= hit.expiresAtMs() + settings.leeway().toMillis()) return CompletableFuture.completedFuture(hit.principal());
      verified.remove(token);
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      // Also an unsecured ("alg": "none") token: it is not a JWS.
      return CompletableFuture.failedFuture(invalid("the bearer token is not a signed JWT"));
    }
    return keys.forKeyId(jwt.getHeader().getKeyID()).thenApply(set -> {
      JWTClaimsSet claims;
      try {
        claims = processor.process(jwt, new KeysContext(set));
      } catch (BadJOSEException | JOSEException e) {
        throw invalid("the bearer token is not valid: " + e.getMessage());
      }
      Principal p = principal(claims);
      if (verified.size() >= CACHE_LIMIT) verified.clear();
      verified.put(token, new Verified(p, claims.getExpirationTime().getTime()));
      return p;
    });
  }

  private Principal principal(JWTClaimsSet claims) {
    Optional<String> tenant = Optional.ofNullable(claim(claims, settings.tenantClaim())).map(Object::toString);
    if (tenant.isPresent() && !ApiKeys.TENANT.matcher(tenant.get()).matches())
      throw ApiProblem.forbidden("invalid-tenant", "the token's tenant '" + tenant.get() + "' is not a tenant name (" + ApiKeys.TENANT + ")");
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    Object r = claim(claims, settings.rolesClaim());
    // Keycloak lists roles in an array; a scope-style claim is one space-separated string. Others are ignored.
    Collection<?> names = r instanceof Collection<?> c ? c : r instanceof String s ? List.of(s.split(" ")) : List.of();
    for (Object name : names) Role.of(String.valueOf(name)).ifPresent(roles::add);
    String subject = claims.getSubject() == null ? "token" : claims.getSubject();
    return new Principal(subject, tenant, roles);
  }

  private static Object claim(JWTClaimsSet claims, String dotted) {
    Object at = claims.getClaims();
    for (String part : dotted.split("\\.")) {
      if (!(at instanceof Map<?, ?> m)) return null;
      at = m.get(part);
    }
    return at;
  }

  private static ApiProblem invalid(String detail) {
    return ApiProblem.unauthorized(detail);
  }
}

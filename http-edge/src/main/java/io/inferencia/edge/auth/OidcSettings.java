package io.inferencia.edge.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.typesafe.config.Config;
import io.inferencia.protocols.config.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * OIDC bearer tokens ({@code api.oidc}): on when {@code jwks-url} is set, and then the issuer and the
 * audience are required. Only asymmetric algorithms may be pinned: a JWKS holds public keys, and an
 * HMAC algorithm would let a token be "signed" with one of them.
 */
public record OidcSettings(URI jwksUrl, String issuer, String audience, Set<JWSAlgorithm> algorithms,
    Duration leeway, String tenantClaim, String rolesClaim, Duration refreshMin, Duration maxAge, Duration fetchTimeout) {

  private static final Set<JWSAlgorithm> ASYMMETRIC = Set.copyOf(new LinkedHashSet<JWSAlgorithm>() {{
    addAll(JWSAlgorithm.Family.RSA);
    addAll(JWSAlgorithm.Family.EC);
    addAll(JWSAlgorithm.Family.ED);
  }});

  /** Empty when {@code api.oidc.jwks-url} is not set. */
  public static Optional<OidcSettings> fromConfig(Config api) {
    Config c = api.getConfig("oidc");
    String url = c.getString("jwks-url").trim();
    if (url.isEmpty()) return Optional.empty();
    URI jwks;
    try {
      jwks = URI.create(url);
      if (!"https".equals(jwks.getScheme()) && !"http".equals(jwks.getScheme())) throw new IllegalArgumentException();
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException("OIDC_JWKS_URL", "api.oidc.jwks-url", "'" + url + "' is not an http(s) URL");
    }
    String issuer = c.getString("issuer").trim();
    if (issuer.isEmpty())
      throw new InvalidSettingException("OIDC_ISSUER", "api.oidc.issuer", "required when OIDC_JWKS_URL is set (the tokens' iss)");
    String audience = c.getString("audience").trim();
    if (audience.isEmpty())
      throw new InvalidSettingException("OIDC_AUDIENCE", "api.oidc.audience", "required when OIDC_JWKS_URL is set (an aud the tokens must hold)");
    Set<JWSAlgorithm> algs = new LinkedHashSet<>();
    for (String name : c.getString("algorithms").split("[, ]+")) {
      if (name.isBlank()) continue;
      JWSAlgorithm alg = JWSAlgorithm.parse(name.trim());
      if (!ASYMMETRIC.contains(alg)) throw new InvalidSettingException("OIDC_ALGORITHMS", "api.oidc.algorithms",
          "'" + name.trim() + "' is not an asymmetric JWS algorithm (accepts RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA)");
      algs.add(alg);
    }
    if (algs.isEmpty()) throw new InvalidSettingException("OIDC_ALGORITHMS", "api.oidc.algorithms", "name at least one algorithm");
    return Optional.of(new OidcSettings(jwks, issuer, audience, Set.copyOf(algs), c.getDuration("leeway"),
        c.getString("tenant-claim"), c.getString("roles-claim"), c.getDuration("jwks-refresh-min"),
        c.getDuration("jwks-max-age"), c.getDuration("fetch-timeout")));
  }
}

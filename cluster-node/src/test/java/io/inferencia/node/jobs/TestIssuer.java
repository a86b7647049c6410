package io.inferencia.node.jobs;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * An OIDC issuer for tests: a JWKS served over real HTTP (as Keycloak's {@code /protocol/openid-connect/certs})
 * and tokens signed by its keys, well-formed or broken in the ways an attacker or a clock would break them.
 */
final class TestIssuer {
  static final String ISSUER = "https://sso.test/realms/inferencia";
  static final String AUDIENCE = "inferencia";
  private final HttpServer server;
  private final RSAKey rsa;
  private final ECKey ec;
  private final List<JWK> published = new CopyOnWriteArrayList<>();
  final AtomicInteger fetches = new AtomicInteger();

  private TestIssuer() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    published.add(rsa.toPublicJWK());
    published.add(ec.toPublicJWK());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/certs", exchange -> {
      fetches.incrementAndGet();
      byte[] body = new JWKSet(List.copyOf(published)).toString(true).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  private static TestIssuer shared;

  static synchronized TestIssuer get() throws Exception {
    if (shared == null) shared = new TestIssuer();
    return shared;
  }

  /** The node's settings for this issuer (an unknown key id may refetch the JWKS at once). */
  String nodeConfig() {
    return "api.oidc.jwks-url = \"http://127.0.0.1:" + server.getAddress().getPort() + "/certs\"\n"
        + "api.oidc.issuer = \"" + ISSUER + "\"\napi.oidc.audience = \"" + AUDIENCE + "\"\n"
        + "api.oidc.jwks-refresh-min = 0s\n";
  }

  /** Claims of a good token for {@code tenant} with {@code roles}, changed by {@code tweak}. */
  static JWTClaimsSet claims(String tenant, List<String> roles, UnaryOperator<JWTClaimsSet.Builder> tweak) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
        .issuer(ISSUER).audience(List.of(AUDIENCE, "account")).subject("user-" + tenant)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
        .claim("realm_access", Map.of("roles", roles));
    if (tenant != null) b.claim("tenant", tenant);
    return tweak.apply(b).build();
  }

  String token(String tenant, String... roles) {
    return rs256(rsa, claims(tenant, List.of(roles), b -> b));
  }

  String token(JWTClaimsSet claims) {
    return rs256(rsa, claims);
  }

  String es256(JWTClaimsSet claims) throws JOSEException {
    return sign(JWSAlgorithm.ES256, ec.getKeyID(), new ECDSASigner(ec), claims);
  }

  /** Signed by a key of the attacker's, under the id of the issuer's key. */
  String forged(JWTClaimsSet claims) throws Exception {
    return rs256(new RSAKeyGenerator(2048).keyID(rsa.getKeyID()).generate(), claims);
  }

  /** Signed by a key the JWKS does not hold (yet). */
  static String signedBy(RSAKey key, JWTClaimsSet claims) {
    return rs256(key, claims);
  }

  /** Publishes another key, as an issuer does when it rotates. */
  void publish(RSAKey key) {
    published.add(key.toPublicJWK());
  }

  /** {@code "alg": "none"}: no signature at all. */
  static String unsigned(JWTClaimsSet claims) {
    return new PlainJWT(claims).serialize();
  }

  /** HS256 with the issuer's public key as the HMAC secret (the classic algorithm-confusion attack). */
  String hmacWithPublicKey(JWTClaimsSet claims) throws Exception {
    byte[] secret = rsa.toPublicJWK().toRSAPublicKey().getEncoded();
    return sign(JWSAlgorithm.HS256, rsa.getKeyID(), new MACSigner(secret), claims);
  }

  private static String rs256(RSAKey key, JWTClaimsSet claims) {
    try {
      return sign(JWSAlgorithm.RS256, key.getKeyID(), new RSASSASigner(key), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(JWSAlgorithm alg, String kid, com.nimbusds.jose.JWSSigner signer, JWTClaimsSet claims)
      throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  static RSAKey newKey(String kid) throws JOSEException {
    return new RSAKeyGenerator(2048).keyID(kid).generate();
  }

}

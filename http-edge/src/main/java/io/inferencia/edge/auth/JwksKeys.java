package io.inferencia.edge.auth;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys, fetched from its JWKS URL without blocking (the JDK client's own threads),
 * kept for {@code jwks-max-age}, and fetched again when a token names a key id not seen yet (key
 * rotation), at most once per {@code jwks-refresh-min} so that tokens with made-up ids cannot make the
 * node hammer the issuer. One fetch at a time; callers share it.
 */
final class JwksKeys {
  private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);
  private final OidcSettings settings;
  private final HttpClient http;
  private volatile JWKSet keys = new JWKSet();
  private volatile long fetchedAt = Long.MIN_VALUE / 2;
  private volatile long attemptedAt = Long.MIN_VALUE / 2;
  private final AtomicReference<CompletableFuture<JWKSet>> inFlight = new AtomicReference<>();

  JwksKeys(OidcSettings settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(settings.fetchTimeout()).build();
  }

  /** Keys that should hold {@code kid} (null: the token names none). */
  CompletionStage<JWKSet> forKeyId(String kid) {
    JWKSet current = keys;
    long now = System.nanoTime();
    boolean known = kid == null ? !current.getKeys().isEmpty() : current.getKeyByKeyId(kid) != null;
    boolean stale = now - fetchedAt > settings.maxAge().toNanos();
    if (known) {
      if (stale) refresh(); // serve with what we have; the next calls see the new set
      return CompletableFuture.completedFuture(current);
    }
    if (now - attemptedAt < settings.refreshMin().toNanos()) return CompletableFuture.completedFuture(current);
    return refresh();
  }

  /** Fetches now unless a fetch is running; a failed fetch keeps the keys we had. */
  CompletionStage<JWKSet> refresh() {
    CompletableFuture<JWKSet> mine = new CompletableFuture<>();
    CompletableFuture<JWKSet> running = inFlight.compareAndExchange(null, mine);
    if (running != null) return running;
    attemptedAt = System.nanoTime();
    HttpRequest request = HttpRequest.newBuilder(settings.jwksUrl()).timeout(settings.fetchTimeout())
        .header("Accept", "application/json").GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
      JWKSet result = keys;
      try {
        if (failure != null) throw failure;
        if (response.statusCode() != 200) throw new IllegalStateException("HTTP " + response.statusCode());
        // Only public keys are kept, whatever the document holds.
        result = JWKSet.parse(response.body()).toPublicJWKSet();
        keys = result;
        fetchedAt = System.nanoTime();
      } catch (Throwable t) {
        log.warn("Could not fetch the OIDC signing keys from {}: {}", settings.jwksUrl(), t.toString());
      }
      inFlight.set(null);
      mine.complete(result);
      return null;
    });
    return mine;
  }
}

package io.inferencia.protocols.storage;

import java.time.Instant;
import java.util.Map;

/**
 * A URL a client can call without credentials until {@code expiresAt}.
 *
 * @param signedHeaders headers the client must send with exactly these values (Content-Type, Content-Length),
 *     since they are part of the signature; a browser sets Content-Length itself from the body
 */
public record PresignedUrl(String url, Instant expiresAt, Map<String, String> signedHeaders) {
  public PresignedUrl {
    signedHeaders = Map.copyOf(signedHeaders);
  }
}

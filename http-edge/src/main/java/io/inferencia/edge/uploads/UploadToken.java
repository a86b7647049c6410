package io.inferencia.edge.uploads;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencia.edge.api.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import io.inferencia.protocols.json.JsonMappers;

/**
 * An upload's id: what the server decided about the upload (tenant, key, declared size and type, the
 * storage's multipart upload id, part size, expiry), signed with HMAC-SHA256. The edge keeps no upload
 * state, any node can serve the follow-up calls, and a client can neither forge nor alter one.
 *
 * @param multipartId empty for a single-PUT upload
 * @param expiresAt epoch seconds after which the upload can no longer be continued
 */
public record UploadToken(String tenant, String key, long size, String contentType, String multipartId, long partSize,
    long expiresAt) {
  private static final ObjectMapper MAPPER = JsonMappers.shared();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  public boolean multipart() {
    return !multipartId.isEmpty();
  }

  public int partCount() {
    return multipart() ? (int) ((size + partSize - 1) / partSize) : 1;
  }

  /** Bytes in part {@code n} (1-based): full parts, then the remainder. */
  public long partLength(int n) {
    return n < partCount() ? partSize : size - partSize * (partCount() - 1L);
  }

  public String encode(byte[] secret) {
    byte[] json;
    try {
      json = MAPPER.writeValueAsBytes(new Payload(1, tenant, key, size, contentType, multipartId, partSize, expiresAt));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an upload token could not be written", e);
    }
    String payload = B64.encodeToString(json);
    return payload + "." + B64.encodeToString(hmac(secret, payload));
  }

  /** Verifies the signature, the owner and the expiry. */
  public static UploadToken decode(String token, byte[] secret, String tenant, long nowEpochSeconds) {
    int dot = token.indexOf('.');
    if (dot <= 0) throw invalid();
    String payload = token.substring(0, dot);
    byte[] signature;
    try {
      signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!MessageDigest.isEqual(signature, hmac(secret, payload))) throw invalid();
    UploadToken t;
    try {
      Payload o = MAPPER.readValue(Base64.getUrlDecoder().decode(payload), Payload.class);
      t = new UploadToken(o.t(), o.k(), o.s(), o.c(), o.m(), o.p(), o.e());
    } catch (Exception e) {
      throw invalid();
    }
    // Another tenant's upload is reported as unknown: ids must not confirm what exists elsewhere.
    if (!t.tenant.equals(tenant)) throw invalid();
    if (nowEpochSeconds > t.expiresAt) throw ApiProblem.gone("upload-expired", "this upload expired; start a new one");
    return t;
  }

  /** The signed payload; one-letter names keep ids short. {@code v} is the format version. */
  private record Payload(int v, String t, String k, long s, String c, String m, long p, long e) {
    Payload {
      // A signed payload missing a field is not one this server wrote.
      if (t == null || k == null || c == null || m == null) throw new IllegalArgumentException("incomplete upload token");
    }
  }

  private static ApiProblem invalid() {
    return ApiProblem.notFound("upload-not-found", "no such upload");
  }

  private static byte[] hmac(byte[] secret, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}

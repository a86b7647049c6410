package io.inferencia.edge.uploads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    ObjectNode o = MAPPER.createObjectNode()
        .put("v", 1).put("t", tenant).put("k", key).put("s", size).put("c", contentType)
        .put("m", multipartId).put("p", partSize).put("e", expiresAt);
    String payload = B64.encodeToString(o.toString().getBytes(StandardCharsets.UTF_8));
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
      JsonNode o = MAPPER.readTree(Base64.getUrlDecoder().decode(payload));
      t = new UploadToken(o.get("t").asText(), o.get("k").asText(), o.get("s").asLong(), o.get("c").asText(),
          o.get("m").asText(), o.get("p").asLong(), o.get("e").asLong());
    } catch (Exception e) {
      throw invalid();
    }
    // Another tenant's upload is reported as unknown: ids must not confirm what exists elsewhere.
    if (!t.tenant.equals(tenant)) throw invalid();
    if (nowEpochSeconds > t.expiresAt) throw ApiProblem.gone("upload-expired", "this upload expired; start a new one");
    return t;
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

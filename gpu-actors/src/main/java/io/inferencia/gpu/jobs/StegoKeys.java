package io.inferencia.gpu.jobs;

import io.inferencia.protocols.jobs.JobSpec;
import io.inferencia.protocols.stego.StegoParams;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key a stego job's positions are drawn with: the job's {@code key} parameter, or the deployment's
 * key, which is {@code STEGO_KEY} when set and otherwise derived from the secret all nodes already
 * share (so every node of a deployment, and no other deployment, decodes what it encoded).
 */
public final class StegoKeys {
  private final byte[] deploymentKey;

  private StegoKeys(byte[] deploymentKey) {
    this.deploymentKey = deploymentKey;
  }

  /** @param configured {@code STEGO_KEY}, or blank to derive the key from {@code sharedSecret} */
  public static StegoKeys of(String configured, String sharedSecret) {
    if (configured != null && !configured.isBlank()) return new StegoKeys(configured.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(sharedSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return new StegoKeys(mac.doFinal("inferencia stego deployment key v1".getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  byte[] keyFor(JobSpec spec) {
    String key = spec.params().get(StegoParams.KEY);
    return key == null || key.isEmpty() ? deploymentKey.clone() : key.getBytes(StandardCharsets.UTF_8);
  }
}

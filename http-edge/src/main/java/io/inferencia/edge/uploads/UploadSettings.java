package io.inferencia.edge.uploads;

import com.typesafe.config.Config;
import io.inferencia.protocols.config.SettingReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * The {@code uploads} config section.
 *
 * @param singlePutMax largest upload done with one pre-signed PUT; larger ones are multipart
 * @param urlTtl how long each pre-signed URL works
 * @param sessionTtl how long an upload may take in all (more part URLs can be asked for meanwhile)
 * @param signingKey secret that signs upload ids; every edge node must share it
 */
public record UploadSettings(long singlePutMax, long partSize, int firstParts, long maxSize, Duration urlTtl,
    Duration sessionTtl, byte[] signingKey) {
  /** S3's rules: parts of at least 5 MiB (except the last), at most 10,000 of them. */
  public static final long MIN_PART = 5L * 1024 * 1024;
  public static final int MAX_PARTS = 10_000;

  /** Reads the section; a bad value fails with the variable that carried it (the node exits on it at start). */
  public static UploadSettings fromConfig(Config uploads, String fallbackSecret) {
    SettingReader r = new SettingReader(uploads, "uploads");
    String key = r.string("signing-key", "UPLOAD_SIGNING_KEY");
    return new UploadSettings(
        r.bytesAtLeast("single-put-max", "UPLOAD_SINGLE_PUT_MAX", 1),
        r.bytesAtLeast("part-size", "UPLOAD_PART_SIZE", MIN_PART),
        r.positiveInt("first-parts", null),
        r.bytesAtLeast("max-size", "UPLOAD_MAX_SIZE", 1),
        r.positiveDuration("url-ttl", "UPLOAD_URL_TTL"),
        r.positiveDuration("session-ttl", null),
        sha256(key.isEmpty() ? "uploads:" + fallbackSecret : key));
  }

  /** The part size for an upload of {@code size} bytes: the configured one, raised to stay within 10,000 parts. */
  public long partSizeFor(long size) {
    return Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

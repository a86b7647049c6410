package io.inferencia.protocols.storage;

import io.inferencia.protocols.CborSerializable;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A pointer to an object: {@code s3://bucket/key}. Messages carry these instead of bytes. Parsing is
 * strict: a DNS-style bucket name and a key without empty, {@code .} or {@code ..} segments, so a key
 * can never climb out of the prefix it was built under.
 */
public record S3Uri(String bucket, String key) implements CborSerializable {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final int MAX_KEY_BYTES = 1024;

  public S3Uri {
    if (bucket == null || !BUCKET.matcher(bucket).matches())
      throw new IllegalArgumentException("'" + bucket + "' is not a valid bucket name");
    String problem = keyProblem(key);
    if (problem != null) throw new IllegalArgumentException(problem);
  }

  /** Parses {@code s3://bucket/key}; empty with the reason in {@link #problem(String)} when malformed. */
  public static Optional<S3Uri> parse(String uri) {
    return problem(uri) == null ? Optional.of(of(uri)) : Optional.empty();
  }

  /** Why {@code uri} is not a valid object URI, or null when it is. */
  public static String problem(String uri) {
    if (uri == null || uri.isBlank()) return "input is missing (expected s3://bucket/key)";
    if (!uri.startsWith("s3://")) return "'" + uri + "' is not an s3:// URI";
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0) return "'" + uri + "' has no bucket and key (expected s3://bucket/key)";
    String bucket = rest.substring(0, slash);
    if (!BUCKET.matcher(bucket).matches()) return "'" + bucket + "' is not a valid bucket name";
    return keyProblem(rest.substring(slash + 1));
  }

  private static S3Uri of(String uri) {
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    return new S3Uri(rest.substring(0, slash), rest.substring(slash + 1));
  }

  private static String keyProblem(String key) {
    if (key == null || key.isEmpty()) return "the object key is empty";
    if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES)
      return "the object key is longer than " + MAX_KEY_BYTES + " bytes";
    for (int i = 0; i < key.length(); i++)
      if (Character.isISOControl(key.charAt(i)) || key.charAt(i) == '\\')
        return "the object key contains a control character or a backslash";
    for (String segment : key.split("/", -1))
      if (segment.isEmpty() || segment.equals(".") || segment.equals(".."))
        return "the object key '" + key + "' has an empty, '.' or '..' segment";
    return null;
  }

  /** True when the key lies under {@code prefix} (which ends with '/'). */
  public boolean isUnder(String prefix) {
    return key.startsWith(prefix);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }
}

package io.inferencia.persistence.storage;

import com.typesafe.config.Config;
import io.inferencia.protocols.storage.S3Uri;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import io.inferencia.protocols.config.SettingReader;
import java.util.regex.Pattern;

/**
 * The {@code storage} config section, validated once: an invalid value throws InvalidSettingException naming
 * the key and its environment variable.
 *
 * @param endpoint S3 API base URL the node talks to; empty: start {@link EmbeddedS3} and use it
 * @param publicEndpoint base URL signed into pre-signed URLs (what clients reach); empty: the endpoint
 * @param accessKey empty: the embedded default (an external endpoint requires one)
 * @param secretKey empty: the embedded server's generated secret (an external endpoint requires one)
 * @param pathStyle http://host/bucket/key rather than http://bucket.host/key
 */
public record StorageSettings(
    Optional<URI> endpoint,
    Optional<URI> publicEndpoint,
    String region,
    String accessKey,
    String secretKey,
    boolean pathStyle,
    Buckets buckets,
    Embedded embedded,
    Client client) {

  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]*");

  /** Where clients upload inputs, and where results are written for them to fetch. */
  public record Buckets(String intake, String results) {
    public List<String> all() {
      return List.of(intake, results);
    }
  }

  /** The in-process server; used only when {@code endpoint} is empty. */
  public record Embedded(String host, int port, String advertisedHost, Path dataDir) {}

  /** The node's S3 connection pool. */
  public record Client(int maxConnections, Duration connectionTimeout, Duration socketTimeout) {}

  public static StorageSettings fromConfig(Config storageSection) {
    SettingReader r = new SettingReader(storageSection, "storage");
    Optional<URI> endpoint = r.baseUrl("endpoint", "S3_ENDPOINT");
    String accessKey = r.string("access-key", "S3_ACCESS_KEY");
    String secretKey = r.string("secret-key", "S3_SECRET_KEY");
    boolean pathStyle = r.bool("path-style", "S3_PATH_STYLE");
    if (endpoint.isPresent() && accessKey.isEmpty())
      throw r.invalid("access-key", "S3_ACCESS_KEY", "is required with an external endpoint");
    if (endpoint.isPresent() && secretKey.isEmpty())
      throw r.invalid("secret-key", "S3_SECRET_KEY", "is required with an external endpoint");
    if (endpoint.isEmpty() && !pathStyle)
      throw r.invalid("path-style", "S3_PATH_STYLE", "must be on with the embedded server (it serves path style only)");
    return new StorageSettings(
        endpoint,
        r.baseUrl("public-endpoint", "S3_PUBLIC_ENDPOINT"),
        region(r),
        accessKey,
        secretKey,
        pathStyle,
        buckets(r.child("buckets")),
        embedded(r.child("embedded")),
        client(r.child("client")));
  }

  public boolean useEmbedded() {
    return endpoint.isEmpty();
  }

  private static String region(SettingReader r) {
    String v = r.string("region", "S3_REGION");
    if (!REGION.matcher(v).matches()) throw r.invalid("region", "S3_REGION", "'" + v + "' is not a region name");
    return v;
  }

  private static Buckets buckets(SettingReader r) {
    return new Buckets(bucket(r, "intake", "S3_BUCKET_INTAKE"), bucket(r, "results", "S3_BUCKET_RESULTS"));
  }

  private static String bucket(SettingReader r, String key, String env) {
    String name = r.string(key, env);
    // S3Uri owns the bucket naming rule; a probe key lets it judge the name alone.
    String problem = S3Uri.problem("s3://" + name + "/probe");
    if (problem != null) throw r.invalid(key, env, problem);
    return name;
  }

  private static Embedded embedded(SettingReader r) {
    return new Embedded(
        r.host("host", "HOST"),
        r.port("port", "S3_PORT"),
        r.host("advertised-host", "ADVERTISED_HOST"),
        r.directory("data-dir", null));
  }

  private static Client client(SettingReader r) {
    return new Client(
        r.positiveInt("max-connections", "S3_MAX_CONNECTIONS"),
        r.positiveDuration("connection-timeout", "S3_CONNECTION_TIMEOUT"),
        r.positiveDuration("socket-timeout", "S3_SOCKET_TIMEOUT"));
  }

  /** Keeps the secret out of logs. */
  @Override
  public String toString() {
    return "StorageSettings[endpoint=" + endpoint.map(URI::toString).orElse("embedded")
        + ", publicEndpoint=" + publicEndpoint.map(URI::toString).orElse("(endpoint)")
        + ", region=" + region + ", accessKey=" + accessKey + ", secretKey=" + (secretKey.isEmpty() ? "" : "***")
        + ", pathStyle=" + pathStyle + ", buckets=" + buckets + ", embedded=" + embedded + ", client=" + client + "]";
  }
}

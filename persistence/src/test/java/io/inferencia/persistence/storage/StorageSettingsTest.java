package io.inferencia.persistence.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorageSettingsTest {
  /**
   * This module's {@code storage} section with {@code env} standing in for the process environment: a
   * {@code ${?S3_X}} substitution finds a root-level key before it would look at the environment, which is off.
   */
  private static StorageSettings fromReference(Map<String, String> env, String overrides) {
    Config reference = ConfigFactory.parseResources("reference.conf").withOnlyPath("storage");
    return StorageSettings.fromConfig(ConfigFactory.parseString(overrides)
        .withFallback(reference)
        .withFallback(ConfigFactory.parseMap(env))
        .resolve(ConfigResolveOptions.noSystem())
        .getConfig("storage"));
  }

  private static String rejected(String overrides) {
    return assertThrows(IllegalArgumentException.class, () -> fromReference(Map.of(), overrides)).getMessage();
  }

  @Test
  void defaultsStartTheEmbeddedServer() {
    StorageSettings s = fromReference(Map.of(), "");

    assertTrue(s.useEmbedded());
    assertEquals(Optional.empty(), s.publicEndpoint());
    assertEquals("us-east-1", s.region());
    assertEquals("", s.accessKey());
    assertEquals("", s.secretKey());
    assertTrue(s.pathStyle());
    assertEquals(new StorageSettings.Buckets("intake", "results"), s.buckets());
    assertEquals(new StorageSettings.Embedded("0.0.0.0", 9000, "127.0.0.1", Path.of("./data/s3").toAbsolutePath().normalize()),
        s.embedded());
    assertEquals(new StorageSettings.Client(64, Duration.ofSeconds(5), Duration.ofSeconds(60)), s.client());
  }

  @Test
  void everyDeploymentValueHasAnEnvironmentOverride() {
    StorageSettings s = fromReference(Map.ofEntries(
        Map.entry("S3_ENDPOINT", "https://minio.internal:9000/"),
        Map.entry("S3_PUBLIC_ENDPOINT", "https://files.example.com"),
        Map.entry("S3_REGION", "eu-west-1"),
        Map.entry("S3_ACCESS_KEY", "node"),
        Map.entry("S3_SECRET_KEY", "s3cr3t"),
        Map.entry("S3_PATH_STYLE", "off"),
        Map.entry("S3_BUCKET_INTAKE", "acme-intake"),
        Map.entry("S3_BUCKET_RESULTS", "acme-results"),
        Map.entry("S3_PORT", "9100"),
        Map.entry("S3_MAX_CONNECTIONS", "8"),
        Map.entry("S3_CONNECTION_TIMEOUT", "2s"),
        Map.entry("S3_SOCKET_TIMEOUT", "5m")), "");

    assertFalse(s.useEmbedded());
    assertEquals(Optional.of(URI.create("https://minio.internal:9000")), s.endpoint());
    assertEquals(Optional.of(URI.create("https://files.example.com")), s.publicEndpoint());
    assertEquals("eu-west-1", s.region());
    assertEquals("node", s.accessKey());
    assertEquals("s3cr3t", s.secretKey());
    assertFalse(s.pathStyle());
    assertEquals(new StorageSettings.Buckets("acme-intake", "acme-results"), s.buckets());
    assertEquals(9100, s.embedded().port());
    assertEquals(new StorageSettings.Client(8, Duration.ofSeconds(2), Duration.ofMinutes(5)), s.client());
    assertEquals(
        new S3Connection(URI.create("https://minio.internal:9000"), URI.create("https://files.example.com"), "eu-west-1",
            false, new S3Credentials("node", "s3cr3t")),
        S3Connection.external(s));
  }

  @Test
  void theSecretStaysOutOfLogs() {
    StorageSettings s = fromReference(Map.of(), "storage.secret-key = hunter2");
    assertFalse(s.toString().contains("hunter2"), s.toString());
    assertFalse(new S3Credentials("a", "hunter2").toString().contains("hunter2"));
  }

  @Test
  void invalidValuesNameTheirKey() {
    assertTrue(rejected("storage.endpoint = \"minio:9000\"").startsWith("S3_ENDPOINT (storage.endpoint):"));
    assertTrue(rejected("storage.endpoint = \"ftp://minio:9000\"").startsWith("S3_ENDPOINT (storage.endpoint):"));
    assertTrue(rejected("storage.endpoint = \"http://minio:9000/bucket\"").startsWith("S3_ENDPOINT (storage.endpoint):"));
    assertTrue(rejected("storage.endpoint = \"http://x y\"").startsWith("S3_ENDPOINT (storage.endpoint):"));
    assertTrue(rejected("storage.public-endpoint = \"files.example.com\"").startsWith("S3_PUBLIC_ENDPOINT (storage.public-endpoint):"));
    assertTrue(rejected("storage.embedded.port = 99999").startsWith("S3_PORT (storage.embedded.port):"));
    assertTrue(rejected("storage.embedded.port = nine").startsWith("S3_PORT (storage.embedded.port):"));
    assertTrue(rejected("storage.embedded.host = \"\"").startsWith("HOST (storage.embedded.host):"));
    assertTrue(rejected("storage.buckets.intake = \"Intake_1\"").startsWith("S3_BUCKET_INTAKE (storage.buckets.intake):"));
    assertTrue(rejected("storage.region = \"EU West\"").startsWith("S3_REGION (storage.region):"));
    assertTrue(rejected("storage.client.max-connections = 0").startsWith("S3_MAX_CONNECTIONS (storage.client.max-connections):"));
    assertTrue(rejected("storage.client.socket-timeout = soon").startsWith("S3_SOCKET_TIMEOUT (storage.client.socket-timeout):"));
    assertTrue(rejected("storage.path-style = off").startsWith("S3_PATH_STYLE (storage.path-style):"));
  }

  @Test
  void anExternalEndpointNeedsCredentials() {
    assertTrue(rejected("storage.endpoint = \"http://minio:9000\"").startsWith("S3_ACCESS_KEY (storage.access-key):"));
    assertTrue(rejected("storage { endpoint = \"http://minio:9000\", access-key = a }")
        .startsWith("S3_SECRET_KEY (storage.secret-key):"));
  }
}

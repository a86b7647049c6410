package io.inferencia.persistence.storage;

import java.net.URI;

/**
 * How to reach an S3 service, resolved from the settings (and the embedded server once it is bound).
 *
 * @param endpoint what this node calls
 * @param publicEndpoint what pre-signed URLs point at, for clients
 */
public record S3Connection(URI endpoint, URI publicEndpoint, String region, boolean pathStyle, S3Credentials credentials) {
  /** The embedded server has no regions: any name signs, but it refuses buckets created with a location. */
  private static final String EMBEDDED_REGION = "us-east-1";

  public static S3Connection external(StorageSettings settings) {
    URI endpoint = settings.endpoint().orElseThrow(() -> new IllegalArgumentException("storage.endpoint is empty"));
    return new S3Connection(
        endpoint,
        settings.publicEndpoint().orElse(endpoint),
        settings.region(),
        settings.pathStyle(),
        new S3Credentials(settings.accessKey(), settings.secretKey()));
  }

  public static S3Connection embedded(StorageSettings settings, EmbeddedS3 server) {
    return new S3Connection(
        server.endpoint(),
        settings.publicEndpoint().orElse(server.endpoint()),
        EMBEDDED_REGION,
        true,
        server.credentials());
  }
}

package io.inferencia.persistence.storage;

import java.util.Optional;

/**
 * Object storage as the node runs it: the external S3 the settings name, or the embedded server started here,
 * with the intake and results buckets in place.
 */
public final class Storage implements AutoCloseable {
  private final S3ObjectStore objects;
  private final EmbeddedS3 embedded; // null with an external endpoint
  private final String secretKey;

  private Storage(S3ObjectStore objects, EmbeddedS3 embedded, String secretKey) {
    this.objects = objects;
    this.embedded = embedded;
    this.secretKey = secretKey;
  }

  /** Starts the embedded server when no endpoint is set, connects, and creates missing buckets. Blocking. */
  public static Storage start(StorageSettings settings) {
    if (!settings.useEmbedded()) return connect(S3Connection.external(settings), settings, null);
    EmbeddedS3 server = new EmbeddedS3(settings.embedded(), EmbeddedS3.credentials(settings));
    server.start();
    try {
      InterruptedWrites.removeFrom(settings.embedded().dataDir().resolve(settings.buckets().results()));
      return connect(S3Connection.embedded(settings, server), settings, server);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static Storage connect(S3Connection connection, StorageSettings settings, EmbeddedS3 server) {
    S3ObjectStore objects = server == null
        ? S3ObjectStore.connect(connection, settings.client(), settings.buckets())
        : S3ObjectStore.connectEmbedded(connection, settings.client(), settings.buckets(), server);
    try {
      objects.ensureBuckets();
    } catch (RuntimeException e) {
      objects.close();
      throw e;
    }
    return new Storage(objects, server, connection.credentials().secretKey());
  }

  public S3ObjectStore objects() {
    return objects;
  }

  /** The secret the node signs storage requests with; all nodes share it, so it can seed other shared secrets. */
  public String secretKey() {
    return secretKey;
  }

  public Optional<EmbeddedS3> embedded() {
    return Optional.ofNullable(embedded);
  }

  @Override
  public void close() {
    try {
      objects.close();
    } finally {
      if (embedded != null) embedded.close();
    }
  }
}

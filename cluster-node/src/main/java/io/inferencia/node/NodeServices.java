package io.inferencia.node;

import io.inferencia.persistence.db.Database;
import io.inferencia.persistence.storage.Storage;

/**
 * What a node opens before its actor system: object storage (the embedded server, or a connection to
 * an external S3) and the database pool with its schema. Both block while starting, so Main opens them
 * before any actor runs; a failure stops the node with a message naming what could not start.
 *
 * @param storageSecret the secret key storage is used with, shared by all nodes (seeds the upload signing key)
 */
public record NodeServices(Storage storage, Database database, String storageSecret) implements AutoCloseable {
  @Override
  public void close() {
    try {
      database.close();
    } finally {
      storage.close();
    }
  }
}

package io.inferencia.node;

import io.inferencia.persistence.db.Database;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.storage.Storage;
import io.inferencia.persistence.storage.StorageSettings;

/**
 * What a node opens before its actor system: object storage (the embedded server, or a connection to
 * an external S3) and the database pool with its schema. Both block while starting, so Main opens them
 * before any actor runs; a failure stops the node with a message naming what could not start.
 *
 * @param storageSecret the secret key storage is used with, shared by all nodes (seeds the upload signing key)
 */
public record NodeServices(Storage storage, Database database, String storageSecret) implements AutoCloseable {

  /** Starts storage (embedded or connected), opens the pool and creates the schema. Blocking. */
  public static NodeServices open(StorageSettings storageSettings, DatabaseSettings db) {
    Storage storage;
    try {
      storage = Storage.start(storageSettings);
    } catch (RuntimeException e) {
      throw new IllegalStateException("object storage: " + e.getMessage(), e);
    }
    Database database = null;
    try {
      database = new Database(db);
      database.createSchema();
      return new NodeServices(storage, database, storage.secretKey());
    } catch (Exception e) {
      if (database != null) database.close();
      storage.close();
      throw new IllegalStateException("database " + db.url() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      database.close();
    } finally {
      storage.close();
    }
  }
}

package io.inferencia.node;

import io.inferencia.persistence.db.Database;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.storage.Storage;
import io.inferencia.persistence.storage.StorageSettings;
import java.time.Duration;

/**
 * What a node opens before its actor system: object storage (the embedded server, or a connection to
 * an external S3) and the database pool with its schema. Both block while starting, so Main opens them
 * before any actor runs. An external S3 or database that is not up yet is tried again until the startup
 * wait is over (the pods of a cluster start in any order); then the node stops with a message naming
 * what could not start.
 *
 * @param storageSecret the secret key storage is used with, shared by all nodes (seeds the upload signing key)
 */
public record NodeServices(Storage storage, Database database, String storageSecret) implements AutoCloseable {

  /** Starts storage (embedded or connected), opens the pool and creates the schema. Blocking. */
  public static NodeServices open(StorageSettings storageSettings, DatabaseSettings db, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    Storage storage = StartupRetry.run("object storage", deadline, () -> Storage.start(storageSettings));
    try {
      Database database = StartupRetry.run("database " + db.url(), deadline, () -> openDatabase(db));
      return new NodeServices(storage, database, storage.secretKey());
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
  }

  private static Database openDatabase(DatabaseSettings db) {
    Database database = new Database(db);
    try {
      database.createSchema();
      return database;
    } catch (Exception e) {
      database.close();
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
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

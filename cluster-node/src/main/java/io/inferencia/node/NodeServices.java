package io.inferencia.node;

import io.inferencia.persistence.db.Database;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.storage.Storage;
import io.inferencia.persistence.storage.StorageSettings;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger log = LoggerFactory.getLogger(NodeServices.class);

  /** Starts storage (embedded or connected), opens the pool and creates the schema. Blocking. */
  public static NodeServices open(StorageSettings storageSettings, DatabaseSettings db, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    Storage storage = retrying("object storage", deadline, () -> Storage.start(storageSettings));
    try {
      Database database = retrying("database " + db.url(), deadline, () -> openDatabase(db));
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

  /** Tries {@code start} until it succeeds or the deadline passes, backing off from 250 ms to 5 s. */
  static <T> T retrying(String what, long deadline, Supplier<T> start) {
    long backoffMs = 250;
    for (int attempt = 1; ; attempt++) {
      try {
        return start.get();
      } catch (RuntimeException e) {
        long leftMs = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0) throw new IllegalStateException(what + ": " + e.getMessage(), e);
        long sleep = Math.min(backoffMs, leftMs);
        log.warn("{} not reachable yet (attempt {}): {}; trying again in {} ms", what, attempt, e.getMessage(), sleep);
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(what + ": interrupted while waiting", e);
        }
        backoffMs = Math.min(5_000, backoffMs * 2);
      }
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

package io.inferencia.persistence.storage;

import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.StorageException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.storage.S3Uri;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's object I/O has two paths: straight to the embedded server's blob store, and through the
 * S3 protocol (what an external S3 gets). Both must behave alike and write the same objects: each side
 * reads what the other wrote, with the same size, type and ETag.
 */
class ObjectStorePathsTest {
  @TempDir static Path dir;
  private static Storage storage;
  private static S3ObjectStore local;
  private static S3ObjectStore remote;

  @BeforeAll
  static void start() {
    storage = EmbeddedStorage.start(dir);
    local = storage.objects();
    EmbeddedS3 server = storage.embedded().orElseThrow();
    remote = S3ObjectStore.connect(new S3Connection(server.endpoint(), server.endpoint(), "us-east-1", true, server.credentials()),
        new StorageSettings.Client(8, Duration.ofSeconds(5), Duration.ofSeconds(30)), local.buckets());
  }

  @AfterAll
  static void stop() {
    remote.close();
    storage.close();
  }

  @Test
  void eachPathReadsWhatTheOtherWrote() throws Exception {
    byte[] a = random(70_000, 1);
    byte[] b = random(1_234, 2);
    S3Uri viaLocal = new S3Uri("results", "paths/local.json");
    S3Uri viaRemote = new S3Uri("results", "paths/remote.json");
    local.putObject(viaLocal, a, "application/json");
    remote.putObject(viaRemote, b, "application/json");
    assertArrayEquals(a, read(remote, viaLocal));
    assertArrayEquals(b, read(local, viaRemote));
    for (S3Uri uri : new S3Uri[] {viaLocal, viaRemote}) {
      ObjectInfo l = local.head(uri).orElseThrow();
      ObjectInfo r = remote.head(uri).orElseThrow();
      assertEquals(r.size(), l.size());
      assertEquals(r.contentType(), l.contentType());
      assertEquals(r.etag(), l.etag(), "both paths report the ETag S3 clients see");
    }
  }

  @Test
  void bothPathsAgreeOnMissingObjectsAndBuckets() {
    for (S3ObjectStore store : new S3ObjectStore[] {local, remote}) {
      assertTrue(store.head(new S3Uri("intake", "paths/none")).isEmpty());
      assertTrue(store.head(new S3Uri("no-such-bucket", "x")).isEmpty());
      StorageException e = assertThrows(StorageException.class, () -> store.openStream(new S3Uri("intake", "paths/none")));
      assertEquals(StorageException.Kind.NOT_FOUND, e.kind());
    }
  }

  @Test
  void deleteRemovesAndIsIdempotentOnBothPaths() {
    for (S3ObjectStore store : new S3ObjectStore[] {local, remote}) {
      S3Uri uri = new S3Uri("results", "paths/doomed");
      store.putObject(uri, new byte[] {1, 2, 3}, "application/octet-stream");
      store.delete(uri);
      assertTrue(local.head(uri).isEmpty());
      assertTrue(remote.head(uri).isEmpty());
      store.delete(uri);
    }
  }

  private static byte[] read(S3ObjectStore store, S3Uri uri) throws Exception {
    try (InputStream in = store.openStream(uri)) {
      return in.readAllBytes();
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}

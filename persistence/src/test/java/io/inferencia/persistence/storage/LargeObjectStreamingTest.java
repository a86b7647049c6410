package io.inferencia.persistence.storage;

import io.inferencia.protocols.storage.CompletedPart;
import io.inferencia.protocols.storage.PresignedUrl;
import io.inferencia.protocols.storage.StorageException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.storage.S3Uri;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A large object goes up in parts and comes back as a Pekko stream without the heap ever holding it. */
class LargeObjectStreamingTest {
  private static final long MIB = 1024 * 1024;
  private static final int PARTS = 42;
  private static final long PART = 5 * MIB;
  private static final long LAST_PART = 3 * MIB;
  private static final long OBJECT_SIZE = (PARTS - 1) * PART + LAST_PART; // 208 MiB
  private static final long HEAP_ALLOWANCE = 48 * MIB;

  @TempDir static Path dataDir;
  static Storage storage;
  static S3ObjectStore store;
  static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    storage = EmbeddedStorage.start(dataDir);
    store = storage.objects();
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    if (testKit != null) testKit.shutdownTestKit();
    if (storage != null) storage.close();
  }

  @Test
  void aLargeObjectMovesThroughInBoundedMemory() throws Exception {
    S3Uri uri = new S3Uri(store.buckets().intake(), "large/" + OBJECT_SIZE);
    long[] seeds = new long[PARTS];
    long[] lengths = new long[PARTS];
    for (int i = 0; i < PARTS; i++) {
      seeds[i] = 1000 + i;
      lengths[i] = i == PARTS - 1 ? LAST_PART : PART;
    }
    String expectedSha256 = GeneratedBytes.sha256(seeds, lengths);
    long baseline = HeapWatch.liveHeap();
    long started = System.nanoTime();

    long streamed;
    String streamedSha256;
    HeapWatch heap = new HeapWatch(250);
    try (heap) {
      String uploadId = store.createMultipartUpload(uri, "application/octet-stream");
      List<CompletedPart> parts = new ArrayList<>();
      for (int i = 0; i < PARTS; i++) {
        long seed = seeds[i];
        long length = lengths[i];
        PresignedUrl url = store.presignUploadPart(uri, uploadId, i + 1, length, Duration.ofMinutes(5));
        HttpResponse<String> put = BrowserHttp.put(url, () -> new GeneratedBytes(seed, length), length);
        assertEquals(200, put.statusCode(), put.body());
        parts.add(new CompletedPart(i + 1, put.headers().firstValue("ETag").orElseThrow()));
      }
      assertEquals(OBJECT_SIZE, store.completeMultipartUpload(uri, uploadId, parts).size());

      MessageDigest digest = GeneratedBytes.newSha256();
      AtomicLong bytes = new AtomicLong();
      Pair<CompletionStage<IOResult>, CompletionStage<Done>> done =
          store.source(uri, 64 * 1024)
              .toMat(Sink.foreach(chunk -> {
                digest.update(chunk.asByteBuffer());
                bytes.addAndGet(chunk.size());
              }), Keep.both())
              .run(testKit.system());
      done.second().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertEquals(OBJECT_SIZE, done.first().toCompletableFuture().get(5, TimeUnit.SECONDS).count());
      streamed = bytes.get();
      streamedSha256 = HexFormat.of().formatHex(digest.digest());
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

    assertEquals(OBJECT_SIZE, streamed);
    assertEquals(expectedSha256, streamedSha256);
    long grown = heap.peak() - baseline;
    String report = "live heap grew by at most " + grown / MIB + " MiB over " + heap.samples()
        + " samples moving " + OBJECT_SIZE / MIB + " MiB up and down in " + seconds + " s";
    assertTrue(heap.samples() >= 5, report);
    assertTrue(grown < HEAP_ALLOWANCE, report);
    System.out.println(report);
  }

  @Test
  void aSourceOfAMissingObjectFailsNotFound() {
    S3Uri missing = new S3Uri(store.buckets().intake(), "large/missing");

    ExecutionException e = assertThrows(ExecutionException.class, () -> store.source(missing, 8192)
        .runWith(Sink.ignore(), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS));

    StorageException cause = assertInstanceOf(StorageException.class, e.getCause());
    assertEquals(StorageException.Kind.NOT_FOUND, cause.kind());
  }
}

package io.inferencia.persistence.storage;

import io.inferencia.protocols.storage.CompletedPart;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.PartInfo;
import io.inferencia.protocols.storage.PresignedUrl;
import io.inferencia.protocols.storage.StorageException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.storage.S3Uri;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multipart uploads as a browser does them: parts PUT to pre-signed URLs, completed by the node. */
class MultipartUploadTest {
  private static final int MIB = 1024 * 1024;
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final String TYPE = "video/mp4";

  @TempDir static Path dataDir;
  static Storage storage;
  static S3ObjectStore store;

  @BeforeAll
  static void start() {
    storage = EmbeddedStorage.start(dataDir);
    store = storage.objects();
  }

  @AfterAll
  static void stop() {
    if (storage != null) storage.close();
  }

  static S3Uri intake(String name) {
    return new S3Uri(store.buckets().intake(), "test/" + UUID.randomUUID() + "/" + name);
  }

  @Test
  void partsPutThroughPresignedUrlsCompleteIntoOneObject() throws Exception {
    S3Uri uri = intake("video.mp4");
    long[] lengths = {5L * MIB, 5L * MIB, 5L * MIB, 1234567};
    long[] seeds = {101, 102, 103, 104};
    String uploadId = store.createMultipartUpload(uri, TYPE);

    List<CompletedPart> parts = new ArrayList<>();
    for (int i = 0; i < lengths.length; i++) parts.add(upload(uri, uploadId, i + 1, seeds[i], lengths[i]));
    assertEquals(List.of(1, 2, 3, 4), store.listParts(uri, uploadId).stream().map(PartInfo::partNumber).toList());
    assertEquals(lengths[3], store.listParts(uri, uploadId).get(3).size());
    ObjectInfo done = store.completeMultipartUpload(uri, uploadId, parts);

    long total = lengths[0] + lengths[1] + lengths[2] + lengths[3];
    assertEquals(total, done.size());
    assertEquals(total, store.head(uri).orElseThrow().size());
    assertEquals(TYPE, done.contentType());
    MessageDigest digest = GeneratedBytes.newSha256();
    try (var in = new DigestInputStream(store.openStream(uri), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    assertEquals(GeneratedBytes.sha256(seeds, lengths), HexFormat.of().formatHex(digest.digest()));
  }

  @Test
  void abortRemovesTheUploadAndItsParts() throws IOException {
    S3Uri uri = intake("aborted");
    String uploadId = store.createMultipartUpload(uri, TYPE);
    CompletedPart part = upload(uri, uploadId, 1, 7, 1000);
    assertTrue(filesNaming(uploadId) > 0, "the part is on disk");

    store.abortMultipartUpload(uri, uploadId);

    assertEquals(0, filesNaming(uploadId), "nothing of the upload is left on disk");
    // AWS answers NoSuchUpload here; the embedded server lists no parts for an upload it does not know.
    assertTrue(store.listParts(uri, uploadId).isEmpty());
    assertEquals(StorageException.Kind.NOT_FOUND,
        assertThrows(StorageException.class, () -> store.completeMultipartUpload(uri, uploadId, List.of(part))).kind());
    assertEquals(StorageException.Kind.NOT_FOUND,
        assertThrows(StorageException.class, () -> store.abortMultipartUpload(uri, uploadId)).kind());
    assertTrue(store.head(uri).isEmpty());
  }

  @Test
  void completingWithAWrongEtagIsInvalid() {
    S3Uri uri = intake("wrong-etag");
    String uploadId = store.createMultipartUpload(uri, TYPE);
    upload(uri, uploadId, 1, 8, 1000);

    StorageException e = assertThrows(StorageException.class, () -> store.completeMultipartUpload(
        uri, uploadId, List.of(new CompletedPart(1, "\"0123456789abcdef0123456789abcdef\""))));

    assertEquals(StorageException.Kind.INVALID, e.kind());
    assertTrue(e.getMessage().contains("InvalidPart") && e.getMessage().contains(uri.toString()), e.getMessage());
    assertTrue(store.head(uri).isEmpty());
    store.abortMultipartUpload(uri, uploadId);
  }

  @Test
  void aPartSmallerThanFiveMibBeforeTheLastIsInvalid() {
    S3Uri uri = intake("small-parts");
    String uploadId = store.createMultipartUpload(uri, TYPE);
    List<CompletedPart> parts = List.of(upload(uri, uploadId, 1, 9, 5 * MIB - 1), upload(uri, uploadId, 2, 10, 100));

    StorageException e = assertThrows(StorageException.class, () -> store.completeMultipartUpload(uri, uploadId, parts));

    assertEquals(StorageException.Kind.INVALID, e.kind());
    assertTrue(e.getMessage().contains("EntityTooSmall"), e.getMessage());
    store.abortMultipartUpload(uri, uploadId);
  }

  @Test
  void aPartOfAnotherLengthThanSignedIsRefused() {
    S3Uri uri = intake("part-length");
    String uploadId = store.createMultipartUpload(uri, TYPE);
    PresignedUrl url = store.presignUploadPart(uri, uploadId, 1, 1000, TTL);

    HttpResponse<String> put = BrowserHttp.put(url, new byte[1001]);

    assertEquals(403, put.statusCode(), put.body());
    assertTrue(store.listParts(uri, uploadId).isEmpty());
    store.abortMultipartUpload(uri, uploadId);
  }

  /** Files and directories of the embedded blob store whose path mentions {@code uploadId}. */
  private static long filesNaming(String uploadId) throws IOException {
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files.filter(f -> dataDir.relativize(f).toString().contains(uploadId)).count();
    }
  }

  private static CompletedPart upload(S3Uri uri, String uploadId, int partNumber, long seed, long length) {
    PresignedUrl url = store.presignUploadPart(uri, uploadId, partNumber, length, TTL);
    HttpResponse<String> put = BrowserHttp.put(url, () -> new GeneratedBytes(seed, length), length);
    assertEquals(200, put.statusCode(), put.body());
    return new CompletedPart(partNumber, put.headers().firstValue("ETag").orElseThrow());
  }
}

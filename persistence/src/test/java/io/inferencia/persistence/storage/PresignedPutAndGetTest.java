package io.inferencia.persistence.storage;

import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.PresignedUrl;
import io.inferencia.protocols.storage.StorageException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.storage.S3Uri;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single-request uploads and downloads through pre-signed URLs, against the embedded server. */
class PresignedPutAndGetTest {
  private static final String TYPE = "application/octet-stream";
  private static final Duration TTL = Duration.ofMinutes(5);

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
  void presignedPutWithTheSignedHeadersStoresTheObject() {
    S3Uri uri = intake("input.png");
    byte[] body = GeneratedBytes.bytes(1, 100_000);
    PresignedUrl url = store.presignPut(uri, "image/png", body.length, TTL);

    assertEquals(Map.of("Content-Type", "image/png", "Content-Length", "100000"), url.signedHeaders());
    assertEquals("content-length;content-type;host", queryParam(url.url(), "X-Amz-SignedHeaders"));
    HttpResponse<String> put = BrowserHttp.put(url, body);
    assertEquals(200, put.statusCode(), put.body());

    ObjectInfo info = store.head(uri).orElseThrow();
    assertEquals(body.length, info.size());
    assertEquals("image/png", info.contentType());
    assertEquals(put.headers().firstValue("ETag").orElseThrow(), info.etag());
    assertArrayEquals(body, BrowserHttp.get(store.presignGet(uri, TTL).url()).body());
  }

  @Test
  void aBodyOfAnotherLengthIsRefusedAndNothingIsStored() {
    S3Uri uri = intake("longer");
    PresignedUrl url = store.presignPut(uri, TYPE, 1000, TTL);

    HttpResponse<String> longer = BrowserHttp.put(url, new byte[1001]);
    HttpResponse<String> shorter = BrowserHttp.put(url, new byte[999]);

    assertEquals(403, longer.statusCode(), longer.body());
    assertTrue(longer.body().contains("SignatureDoesNotMatch"), longer.body());
    assertEquals(403, shorter.statusCode(), shorter.body());
    assertTrue(store.head(uri).isEmpty());
  }

  @Test
  void anotherContentTypeIsRefusedAndNothingIsStored() {
    S3Uri uri = intake("typed");
    PresignedUrl url = store.presignPut(uri, "image/png", 10, TTL);

    HttpResponse<String> other = BrowserHttp.put(url.url(), Map.of("Content-Type", "text/html"), BodyPublishers.ofByteArray(new byte[10]));
    HttpResponse<String> none = BrowserHttp.put(url.url(), Map.of(), BodyPublishers.ofByteArray(new byte[10]));

    assertEquals(403, other.statusCode(), other.body());
    assertEquals(403, none.statusCode(), none.body());
    assertTrue(store.head(uri).isEmpty());
  }

  @Test
  void anExpiredPutUrlIsRefusedAndNothingIsStored() throws InterruptedException {
    S3Uri uri = intake("late");
    PresignedUrl url = store.presignPut(uri, TYPE, 10, Duration.ofSeconds(1));
    Thread.sleep(2_500);

    HttpResponse<String> put = BrowserHttp.put(url, new byte[10]);

    assertEquals(403, put.statusCode(), put.body());
    assertTrue(put.body().contains("expired"), put.body());
    assertTrue(store.head(uri).isEmpty());
  }

  @Test
  void aPresignedGetWorksUntilItsTtlRunsOut() throws InterruptedException {
    S3Uri uri = intake("result.json");
    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    store.putObject(uri, body, "application/json");
    PresignedUrl url = store.presignGet(uri, Duration.ofSeconds(1));
    assertTrue(url.signedHeaders().isEmpty());

    HttpResponse<byte[]> fresh = BrowserHttp.get(url.url());
    assertEquals(200, fresh.statusCode());
    assertArrayEquals(body, fresh.body());
    assertEquals("application/json", fresh.headers().firstValue("Content-Type").orElseThrow());

    Thread.sleep(2_500);
    assertEquals(403, BrowserHttp.get(url.url()).statusCode());
  }

  @Test
  void aPresignedGetCanNameTheDownload() {
    S3Uri uri = intake("out.bin");
    store.putObject(uri, new byte[] {1, 2, 3}, TYPE);

    HttpResponse<byte[]> get = BrowserHttp.get(store.presignGet(uri, TTL, "résultat \"final\".bin").url());

    assertEquals(200, get.statusCode());
    assertEquals("attachment; filename=\"r_sultat _final_.bin\"; filename*=UTF-8''r%C3%A9sultat%20%22final%22.bin",
        get.headers().firstValue("Content-Disposition").orElseThrow());
  }

  @Test
  void aTamperedSignatureIsRefused() {
    S3Uri uri = intake("tampered");
    store.putObject(uri, new byte[] {1}, TYPE);
    String url = store.presignGet(uri, TTL).url();
    int at = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
    String tampered = url.substring(0, at) + (url.charAt(at) == 'a' ? 'b' : 'a') + url.substring(at + 1);

    assertEquals(403, BrowserHttp.get(tampered).statusCode());
  }

  @Test
  void putHeadStreamAndDeleteFromTheNode() throws Exception {
    S3Uri uri = intake("from-node");
    byte[] body = GeneratedBytes.bytes(7, 4096);
    store.putObject(uri, new ByteArrayInputStream(body), body.length, "text/plain");

    assertEquals(4096, store.head(uri).orElseThrow().size());
    try (var in = store.openStream(uri)) {
      assertArrayEquals(body, in.readAllBytes());
    }
    store.delete(uri);
    store.delete(uri); // idempotent
    assertFalse(store.head(uri).isPresent());
  }

  @Test
  void theSdkStreamsUploadsLargerThanTheServerWouldBuffer() throws Exception {
    // 40 MiB is over the 16 MiB s3proxy may buffer for a payload-hashed request: only a streamed
    // (aws-chunked) upload gets through, which is what the node's own writes must be.
    S3Uri uri = intake("large-from-node");
    long length = 40L * 1024 * 1024;
    store.putObject(uri, new GeneratedBytes(11, length), length, TYPE);

    assertEquals(length, store.head(uri).orElseThrow().size());
    String expected = GeneratedBytes.sha256(new long[] {11}, new long[] {length});
    MessageDigest digest = GeneratedBytes.newSha256();
    try (var in = new DigestInputStream(store.openStream(uri), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    assertEquals(expected, HexFormat.of().formatHex(digest.digest()));
    store.delete(uri);
  }

  @Test
  void headOfAMissingObjectIsEmptyAndGetIsNotFound() {
    S3Uri missing = intake("missing");

    assertTrue(store.head(missing).isEmpty());
    StorageException e = assertThrows(StorageException.class, () -> store.openStream(missing));
    assertEquals(StorageException.Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(store.head(new S3Uri("no-such-bucket", "x")).isEmpty());
  }

  @Test
  void ensureBucketsIsIdempotent() {
    store.ensureBuckets();
    store.ensureBuckets();
    S3Uri result = new S3Uri(store.buckets().results(), "r/" + UUID.randomUUID());
    store.putObject(result, new byte[] {42}, TYPE);
    assertEquals(1, store.head(result).orElseThrow().size());
  }

  @Test
  void urlsAreRefusedBeforeTheyAreSigned() {
    S3Uri uri = intake("x");
    assertThrows(IllegalArgumentException.class, () -> store.presignPut(uri, TYPE, 1, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> store.presignPut(uri, TYPE, 1, Duration.ofDays(8)));
    assertThrows(IllegalArgumentException.class, () -> store.presignPut(uri, "", 1, TTL));
    assertThrows(IllegalArgumentException.class, () -> store.presignPut(uri, TYPE, -1, TTL));
  }

  static String queryParam(String url, String name) {
    for (String pair : url.substring(url.indexOf('?') + 1).split("&"))
      if (pair.startsWith(name + "=")) return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
    throw new AssertionError(name + " is not in " + url);
  }
}

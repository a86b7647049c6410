package io.inferencia.persistence.storage;

import io.inferencia.protocols.storage.PresignedUrl;
import io.inferencia.protocols.storage.StorageException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.storage.S3Uri;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server's credentials, authentication and browser support. */
class EmbeddedS3Test {
  @TempDir Path dataDir;

  @Test
  void theSecretKeyIsGeneratedOnceAndKeptAcrossRestarts() throws Exception {
    S3Uri uri = new S3Uri("intake", "kept/across/restarts");
    String firstSecret;
    try (Storage first = EmbeddedStorage.start(dataDir)) {
      firstSecret = first.embedded().orElseThrow().credentials().secretKey();
      assertEquals(EmbeddedS3.DEFAULT_ACCESS_KEY, first.embedded().orElseThrow().credentials().accessKey());
      first.objects().putObject(uri, new byte[] {1, 2, 3}, "application/octet-stream");
    }
    Path keyFile = dataDir.resolve(SecretKeyFile.NAME);
    assertEquals(firstSecret, Files.readString(keyFile).trim());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    assertTrue(firstSecret.length() >= 40, "secret of " + firstSecret.length() + " characters");

    try (Storage second = EmbeddedStorage.start(dataDir)) {
      assertEquals(firstSecret, second.embedded().orElseThrow().credentials().secretKey());
      try (var in = second.objects().openStream(uri)) {
        assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
      }
    }
    try (Storage other = EmbeddedStorage.start(dataDir.resolve("other"))) {
      assertNotEquals(firstSecret, other.embedded().orElseThrow().credentials().secretKey());
    }
  }

  @Test
  void aResultWriteInterruptedByAKillIsNotListedAfterTheRestart() throws Exception {
    S3Uri result = new S3Uri("results", "job-1.json");
    try (Storage first = EmbeddedStorage.start(dataDir)) {
      first.objects().putObject(result, new byte[] {1}, "application/json");
    }
    // What the store leaves when the process dies between writing its temporary file and renaming it.
    Path results = dataDir.resolve("results");
    Files.write(results.resolve("job-2.json-0b9d8c3e-5f0a-4d57-9c1e-2a6f4b7d8e90"), new byte[] {2});
    Files.write(dataDir.resolve("intake").resolve("upload-0b9d8c3e-5f0a-4d57-9c1e-2a6f4b7d8e90"), new byte[] {3});

    try (Storage second = EmbeddedStorage.start(dataDir)) {
      assertTrue(second.objects().head(result).isPresent(), "a finished write stays");
      assertTrue(second.objects().head(new S3Uri("results", "job-2.json-0b9d8c3e-5f0a-4d57-9c1e-2a6f4b7d8e90")).isEmpty(),
          "the interrupted write is gone");
      assertTrue(second.objects().head(new S3Uri("intake", "upload-0b9d8c3e-5f0a-4d57-9c1e-2a6f4b7d8e90")).isPresent(),
          "intake keys end in what clients name them: nothing there is touched");
    }
  }

  @Test
  void aConfiguredSecretKeyIsUsedAndNotWritten() {
    StorageSettings settings = EmbeddedStorage.settings(dataDir, "storage { access-key = \"me\", secret-key = \"configured-secret\" }");
    try (Storage storage = Storage.start(settings)) {
      assertEquals(new S3Credentials("me", "configured-secret"), storage.embedded().orElseThrow().credentials());
    }
    assertTrue(Files.notExists(dataDir.resolve(SecretKeyFile.NAME)));
  }

  @Test
  void unsignedAndWronglySignedRequestsAreRefused() {
    try (Storage storage = EmbeddedStorage.start(dataDir)) {
      S3Uri uri = new S3Uri("intake", "private");
      storage.objects().putObject(uri, new byte[] {7}, "application/octet-stream");
      String objectUrl = storage.embedded().orElseThrow().endpoint() + "/intake/private";

      assertEquals(403, BrowserHttp.get(objectUrl).statusCode());
      assertEquals(403, BrowserHttp.request("HEAD", objectUrl, Map.of()).statusCode());
      assertEquals(403, BrowserHttp.put(objectUrl, Map.of(), BodyPublishers.ofByteArray(new byte[] {8})).statusCode());
      assertEquals(403, BrowserHttp.request("DELETE", objectUrl, Map.of()).statusCode());

      S3Connection wrongSecret = new S3Connection(storage.embedded().orElseThrow().endpoint(),
          storage.embedded().orElseThrow().endpoint(), "us-east-1", true,
          new S3Credentials(EmbeddedS3.DEFAULT_ACCESS_KEY, "not-the-secret"));
      try (S3ObjectStore impostor = S3ObjectStore.connect(wrongSecret, settingsClient(), storage.objects().buckets())) {
        StorageException e = assertThrows(StorageException.class,
            () -> impostor.putObject(uri, new byte[] {9}, "application/octet-stream"));
        assertEquals(StorageException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("HTTP 403"), e.getMessage());
        assertThrows(StorageException.class, () -> impostor.openStream(uri));
      }
      assertEquals(1, storage.objects().head(uri).orElseThrow().size());
    }
  }

  @Test
  void aConfiguredRegionDoesNotStopTheEmbeddedServer() {
    // s3proxy refuses to create a bucket with a location, which the SDK adds for any region but us-east-1.
    try (Storage storage = Storage.start(EmbeddedStorage.settings(dataDir, "storage.region = eu-west-1"))) {
      S3Uri uri = new S3Uri("results", "regional");
      storage.objects().putObject(uri, new byte[] {5}, "application/octet-stream");
      assertArrayEquals(new byte[] {5}, BrowserHttp.get(storage.objects().presignGet(uri, Duration.ofMinutes(1)).url()).body());
    }
  }

  @Test
  void browsersMayUploadFromAnyOriginAndReadTheEtag() {
    try (Storage storage = EmbeddedStorage.start(dataDir)) {
      S3Uri uri = new S3Uri("intake", "from-a-browser");
      PresignedUrl url = storage.objects().presignPut(uri, "image/jpeg", 3, Duration.ofMinutes(1));
      String origin = "https://app.example.test";

      // The preflight a browser sends before a cross-origin PUT with a Content-Type header.
      HttpResponse<String> preflight = BrowserHttp.request("OPTIONS", url.url(), Map.of(
          "Origin", origin, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type"));
      assertEquals(200, preflight.statusCode(), preflight.body());
      assertTrue(allows(preflight, "Access-Control-Allow-Origin", origin), preflight.headers().map().toString());
      assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("PUT"),
          preflight.headers().map().toString());

      HttpResponse<String> put = BrowserHttp.put(url.url(), Map.of("Content-Type", "image/jpeg", "Origin", origin),
          BodyPublishers.ofByteArray(new byte[] {1, 2, 3}));
      assertEquals(200, put.statusCode(), put.body());
      assertTrue(allows(put, "Access-Control-Allow-Origin", origin), put.headers().map().toString());
      assertTrue(put.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("ETag"),
          put.headers().map().toString());
    }
  }

  private static boolean allows(HttpResponse<?> response, String header, String origin) {
    String value = response.headers().firstValue(header).orElse("");
    return value.equals("*") || value.equals(origin);
  }

  private StorageSettings.Client settingsClient() {
    return EmbeddedStorage.settings(dataDir, "").client();
  }
}

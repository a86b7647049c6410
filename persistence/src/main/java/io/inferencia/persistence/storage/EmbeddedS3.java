package io.inferencia.persistence.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.FilesystemApiMetadata;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;

/**
 * An S3 server inside the node: s3proxy (the real S3 REST protocol, SigV2/SigV4 including pre-signed URLs,
 * multipart uploads) over a jclouds filesystem blob store rooted at the data dir, one directory per bucket.
 * Object bytes stream between socket and file; nothing holds an object in memory.
 *
 * <p>s3proxy checks a SigV4 signature over exactly the headers the signer listed, so a pre-signed URL that
 * signed Content-Type and Content-Length refuses (403) a request with another type or body length. It
 * refuses an expired pre-signed URL (403), and multipart parts below 5 MiB other than the last
 * (EntityTooSmall) or with an ETag that does not match (InvalidPart).
 */
public final class EmbeddedS3 implements AutoCloseable {
  public static final String DEFAULT_ACCESS_KEY = "inferencia";

  // Requests signed with a payload hash (not UNSIGNED-PAYLOAD, not aws-chunked) are buffered whole by s3proxy
  // to check the hash; cap that at the single-PUT size instead of its 128 MiB default. Pre-signed URLs and
  // the AWS SDK's chunked uploads stream and are not affected.
  private static final long MAX_BUFFERED_REQUEST_BYTES = 16L * 1024 * 1024;
  private static final CrossOriginResourceSharing BROWSER_UPLOADS = new CrossOriginResourceSharing(
      List.of("*"), List.of("GET", "HEAD", "PUT"), List.of("*"), List.of("ETag"), "");

  private final StorageSettings.Embedded settings;
  private final S3Credentials credentials;
  private BlobStoreContext blobStore;
  private S3Proxy proxy;

  public EmbeddedS3(StorageSettings.Embedded settings, S3Credentials credentials) {
    this.settings = settings;
    this.credentials = credentials;
  }

  /**
   * The configured credentials, or access key {@value #DEFAULT_ACCESS_KEY} and the secret generated once and kept
   * in the data dir.
   */
  public static S3Credentials credentials(StorageSettings settings) {
    String accessKey = settings.accessKey().isEmpty() ? DEFAULT_ACCESS_KEY : settings.accessKey();
    if (!settings.secretKey().isEmpty()) return new S3Credentials(accessKey, settings.secretKey());
    try {
      return new S3Credentials(accessKey, SecretKeyFile.loadOrCreate(settings.embedded().dataDir()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the embedded S3 secret key in " + settings.embedded().dataDir(), e);
    }
  }

  /** Binds host:port and returns once the server accepts requests. Blocking. */
  public synchronized void start() {
    if (proxy != null) throw new IllegalStateException("embedded S3 already started");
    try {
      Files.createDirectories(settings.dataDir());
      blobStore = filesystemBlobStore();
      proxy = S3Proxy.builder()
          .blobStore(blobStore.getBlobStore())
          .endpoint(URI.create("http://" + uriHost(settings.host()) + ":" + settings.port()))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKey(), credentials.secretKey())
          .corsRules(BROWSER_UPLOADS)
          .v4MaxNonChunkedRequestSize(MAX_BUFFERED_REQUEST_BYTES)
          .build();
      proxy.start();
      requireStarted();
    } catch (Exception e) {
      IllegalStateException failure = new IllegalStateException(
          "embedded S3 could not start on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
      try {
        close();
      } catch (RuntimeException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
  }

  /** The base URL for clients on this node: the advertised host and the bound port. */
  public URI endpoint() {
    return URI.create("http://" + uriHost(settings.advertisedHost()) + ":" + port());
  }

  /** The bound port (the configured one, or the one picked when configured as 0). */
  public int port() {
    S3Proxy p = proxy;
    if (p == null) throw new IllegalStateException("embedded S3 is not started");
    return p.getPort();
  }

  public S3Credentials credentials() {
    return credentials;
  }

  /** The blob store the server serves from, for this node's own reads and writes. */
  org.jclouds.blobstore.BlobStore blobStore() {
    BlobStoreContext c = blobStore;
    if (c == null) throw new IllegalStateException("embedded S3 is not started");
    return c.getBlobStore();
  }

  @Override
  public synchronized void close() {
    try {
      if (proxy != null) proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("embedded S3 did not stop cleanly", e);
    } finally {
      proxy = null;
      if (blobStore != null) blobStore.close();
      blobStore = null;
    }
  }

  private BlobStoreContext filesystemBlobStore() {
    Properties p = new Properties();
    p.setProperty(FilesystemConstants.PROPERTY_BASEDIR, settings.dataDir().toString());
    // Built from the API metadata directly: a lookup by name would scan every provider s3proxy registers,
    // including those whose SDKs are excluded from this build.
    return ContextBuilder.newBuilder(new FilesystemApiMetadata())
        .overrides(p)
        .modules(Set.of(new SLF4JLoggingModule()))
        .buildView(BlobStoreContext.class);
  }

  // Jetty's start() binds and starts the acceptors before it returns, or throws; a server that ends up in
  // any other state (a connector that failed quietly) is a failed start, not one to wait for.
  private void requireStarted() {
    String state = proxy.getState();
    if (!"STARTED".equals(state)) throw new IllegalStateException("server state is " + state + " after start");
  }

  private static String uriHost(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}

package io.inferencia.persistence.storage;

import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.S3Uri;
import io.inferencia.protocols.storage.StorageException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.connectors.s3.AccessStyle;
import org.apache.pekko.stream.connectors.s3.ApiVersion;
import org.apache.pekko.stream.connectors.s3.MemoryBufferType;
import org.apache.pekko.stream.connectors.s3.S3Attributes;
import org.apache.pekko.stream.connectors.s3.S3Exception;
import org.apache.pekko.stream.connectors.s3.S3Settings;
import org.apache.pekko.stream.connectors.s3.javadsl.S3;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Object bytes as Pekko Streams through Pekko Connectors S3 (non-blocking HTTP on the node's Pekko HTTP
 * client): {@code getObject} as a source, {@code multipartUpload} as a sink. The same endpoint,
 * credentials, region and addressing as the node's AWS SDK client (which keeps the control calls and
 * pre-signing), so it works against the embedded server, MinIO-compatible endpoints and AWS alike.
 * Failures become {@link StorageException}s classified as the SDK's are.
 */
final class S3Streams {
  private final S3Settings settings;

  S3Streams(S3Connection connection) {
    S3Settings s = S3Settings.create(MemoryBufferType.getInstance(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create(
                connection.credentials().accessKey(), connection.credentials().secretKey())),
            () -> Region.of(connection.region()), ApiVersion.getListBucketVersion2())
        .withEndpointUrl(connection.endpoint().toString());
    this.settings = connection.pathStyle() ? s.withAccessStyle(AccessStyle.pathAccessStyle()) : s;
  }

  /** The object's bytes; a missing object fails the stream with a NOT_FOUND {@link StorageException}. */
  Source<ByteString, CompletionStage<IOResult>> read(S3Uri uri) {
    AtomicLong bytes = new AtomicLong();
    return S3.getObject(uri.bucket(), uri.key())
        .withAttributes(S3Attributes.settings(settings))
        .map(chunk -> {
          bytes.addAndGet(chunk.size());
          return chunk;
        })
        .mapError(new PFBuilder<Throwable, Throwable>().matchAny(t -> translate("get", uri, t)).build())
        .watchTermination((meta, done) -> done.thenApply(d -> IOResult.createSuccessful(bytes.get())));
  }

  /**
   * A multipart upload of the stream: the object appears only when the stream completes; a failed
   * stream leaves an incomplete upload (invisible), which the caller aborts.
   */
  Sink<ByteString, CompletionStage<ObjectInfo>> write(S3Uri uri, String contentType) {
    ContentType type = contentType == null ? ContentTypes.APPLICATION_OCTET_STREAM : ContentTypes.parse(contentType);
    AtomicLong bytes = new AtomicLong();
    return org.apache.pekko.stream.javadsl.Flow.<ByteString>create()
        .map(chunk -> {
          bytes.addAndGet(chunk.size());
          return chunk;
        })
        .toMat(S3.multipartUpload(uri.bucket(), uri.key(), type).withAttributes(S3Attributes.settings(settings)),
            (ignored, result) -> result
                .<ObjectInfo>thenApply(r -> new ObjectInfo(uri, bytes.get(), contentType, r.eTag(), java.time.Instant.now()))
                .exceptionally(t -> {
                  throw translate("upload", uri, t);
                }));
  }

  /** One PUT of {@code bytes}; emits the object's info once stored. */
  Source<ObjectInfo, org.apache.pekko.NotUsed> put(S3Uri uri, ByteString bytes, String contentType) {
    ContentType type = contentType == null ? ContentTypes.APPLICATION_OCTET_STREAM : ContentTypes.parse(contentType);
    return S3.putObject(uri.bucket(), uri.key(), Source.single(bytes), bytes.size(), type)
        .withAttributes(S3Attributes.settings(settings))
        .map(meta -> new ObjectInfo(uri, bytes.size(), contentType, meta.getETag().orElse(""), java.time.Instant.now()))
        .mapError(new PFBuilder<Throwable, Throwable>().matchAny(t -> translate("put", uri, t)).build());
  }

  static StorageException translate(String action, S3Uri uri, Throwable failure) {
    Throwable t = failure;
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) t = t.getCause();
    if (t instanceof StorageException se) return se;
    if (t instanceof S3Exception s3) {
      int status = s3.statusCode().intValue();
      StorageException.Kind kind = status == 404 || "NoSuchKey".equals(s3.code()) || "NoSuchBucket".equals(s3.code())
          ? StorageException.Kind.NOT_FOUND
          : status >= 500 || status == 429 || "SlowDown".equals(s3.code()) ? StorageException.Kind.TRANSIENT
          : StorageException.Kind.INVALID;
      return new StorageException(kind, action + " " + uri + " failed: " + s3.code() + ": " + s3.message()
          + " (HTTP " + status + ")", s3);
    }
    // Connection refused or reset, timeouts, a truncated body: worth another try.
    return new StorageException(StorageException.Kind.TRANSIENT, action + " " + uri + " failed: " + t, t);
  }
}

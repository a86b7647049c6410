package io.inferencia.persistence.storage;

import io.inferencia.protocols.storage.CompletedPart;
import io.inferencia.protocols.storage.MultipartLimits;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.PartInfo;
import io.inferencia.protocols.storage.PresignedUrl;
import io.inferencia.protocols.storage.S3Uri;
import io.inferencia.protocols.storage.StorageException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The {@link ObjectStore} port on S3: this node's reads and writes, and pre-signed URLs through which clients
 * move the bytes themselves (so the HTTP edge never carries an upload).
 *
 * <p>Every method blocks on network I/O. Call them from a bounded dispatcher for blocking work (a
 * {@code thread-pool-executor} with a fixed size), never from the default dispatcher or an actor's thread;
 * {@link #source} already runs on Pekko's blocking-io dispatcher. Bytes are streamed: no method holds a whole
 * object in memory. Failures are {@link StorageException}s naming the object. Thread-safe: one per node.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
  private static final Duration MAX_TTL = Duration.ofDays(7); // SigV4 pre-signed URLs live at most a week

  private final S3Client s3;
  private final S3Presigner presigner;
  private final StorageSettings.Buckets buckets;
  private final LocalBlobs local; // null unless the server is the embedded one
  /** Pekko Streams' dispatcher for blocking I/O (bounded; what StreamConverters use). */
  private static final String BLOCKING_IO = "pekko.stream.materializer.blocking-io-dispatcher";

  private final S3Streams streams;

  private S3ObjectStore(S3Client s3, S3Presigner presigner, StorageSettings.Buckets buckets, LocalBlobs local,
      S3Streams streams) {
    this.streams = streams;
    this.s3 = s3;
    this.presigner = presigner;
    this.buckets = buckets;
    this.local = local;
  }

  public static S3ObjectStore connect(S3Connection connection, StorageSettings.Client pool, StorageSettings.Buckets buckets) {
    return new S3ObjectStore(S3Clients.client(connection, pool), S3Clients.presigner(connection), buckets, null,
        new S3Streams(connection));
  }

  /** As {@link #connect}, reading and writing the embedded server's blob store directly for this node's own I/O. */
  static S3ObjectStore connectEmbedded(S3Connection connection, StorageSettings.Client pool,
      StorageSettings.Buckets buckets, EmbeddedS3 server) {
    return new S3ObjectStore(S3Clients.client(connection, pool), S3Clients.presigner(connection), buckets,
        new LocalBlobs(server.blobStore()), new S3Streams(connection));
  }

  public StorageSettings.Buckets buckets() {
    return buckets;
  }

  @Override
  public String intakeBucket() {
    return buckets.intake();
  }

  @Override
  public String resultsBucket() {
    return buckets.results();
  }

  /** Creates the intake and results buckets where missing; safe to call on every start, from every node. */
  public void ensureBuckets() {
    for (String bucket : buckets.all()) call("create bucket", bucket, () -> {
      if (!bucketExists(bucket)) createBucket(bucket);
      return null;
    });
  }

  /** Size, type, ETag and age of an object; empty when there is none. */
  @Override
  public Optional<ObjectInfo> head(S3Uri uri) {
    if (local != null) return local.head(uri);
    return call("head", uri, () -> {
      try {
        return Optional.of(info(uri, s3.headObject(b -> b.bucket(uri.bucket()).key(uri.key()))));
      } catch (NoSuchKeyException | NoSuchBucketException missing) {
        return Optional.empty();
      }
    });
  }

  /**
   * A URL for one PUT of exactly {@code contentLength} bytes of {@code contentType}: both headers are signed,
   * so S3 refuses (403) a body of another length or another type, and the stored object is what was announced.
   */
  @Override
  public PresignedUrl presignPut(S3Uri uri, String contentType, long contentLength, Duration ttl) {
    checkContentType(contentType);
    if (contentLength < 0) throw new IllegalArgumentException("content length " + contentLength + " is negative");
    checkTtl(ttl);
    PutObjectRequest put = PutObjectRequest.builder()
        .bucket(uri.bucket()).key(uri.key()).contentType(contentType).contentLength(contentLength).build();
    PresignedRequest signed = call("pre-sign PUT", uri, () -> presigner.presignPutObject(p -> p.signatureDuration(ttl).putObjectRequest(put)));
    return presigned(uri, signed, Map.of("Content-Type", contentType, "Content-Length", Long.toString(contentLength)));
  }

  /** Starts a multipart upload; the object gets {@code contentType}. Returns the upload id. */
  @Override
  public String createMultipartUpload(S3Uri uri, String contentType) {
    checkContentType(contentType);
    return call("start multipart upload", uri,
        () -> s3.createMultipartUpload(b -> b.bucket(uri.bucket()).key(uri.key()).contentType(contentType)).uploadId());
  }

  /**
   * A URL for one PUT of part {@code partNumber}, exactly {@code partLength} bytes (signed). Every part but the last
   * must be at least {@link MultipartLimits#MIN_PART_SIZE}. The part's ETag response header is what
   * {@link #completeMultipartUpload} needs.
   */
  @Override
  public PresignedUrl presignUploadPart(S3Uri uri, String uploadId, int partNumber, long partLength, Duration ttl) {
    checkUploadId(uploadId);
    MultipartLimits.checkPartNumber(partNumber);
    if (partLength <= 0 || partLength > MultipartLimits.MAX_PART_SIZE)
      throw new IllegalArgumentException("part length " + partLength + " is not between 1 and " + MultipartLimits.MAX_PART_SIZE);
    checkTtl(ttl);
    UploadPartRequest part = UploadPartRequest.builder()
        .bucket(uri.bucket()).key(uri.key()).uploadId(uploadId).partNumber(partNumber).contentLength(partLength).build();
    PresignedRequest signed = call("pre-sign part " + partNumber + " of", uri,
        () -> presigner.presignUploadPart(p -> p.signatureDuration(ttl).uploadPartRequest(part)));
    return presigned(uri, signed, Map.of("Content-Length", Long.toString(partLength)));
  }

  /**
   * Joins the parts into the object. INVALID when a part is missing, its ETag does not match, or a part other
   * than the last is too small; NOT_FOUND when the upload is gone. The upload stays open after INVALID.
   */
  @Override
  public ObjectInfo completeMultipartUpload(S3Uri uri, String uploadId, List<CompletedPart> parts) {
    checkUploadId(uploadId);
    if (parts.isEmpty()) throw new IllegalArgumentException("a multipart upload needs at least one part");
    List<software.amazon.awssdk.services.s3.model.CompletedPart> ordered = parts.stream()
        .sorted(Comparator.comparingInt(CompletedPart::partNumber))
        .map(p -> software.amazon.awssdk.services.s3.model.CompletedPart.builder()
            .partNumber(p.partNumber()).eTag(p.etag()).build())
        .toList();
    call("complete multipart upload of", uri, () -> s3.completeMultipartUpload(b -> b
        .bucket(uri.bucket()).key(uri.key()).uploadId(uploadId)
        .multipartUpload(CompletedMultipartUpload.builder().parts(ordered).build())));
    return head(uri).orElseThrow(() -> new StorageException(
        StorageException.Kind.TRANSIENT, "completed multipart upload " + uri + " is not visible yet", null));
  }

  /** Drops the upload and its parts. NOT_FOUND when there is no such upload. */
  @Override
  public void abortMultipartUpload(S3Uri uri, String uploadId) {
    checkUploadId(uploadId);
    call("abort multipart upload of", uri,
        () -> s3.abortMultipartUpload(b -> b.bucket(uri.bucket()).key(uri.key()).uploadId(uploadId)));
  }

  @Override
  public CompletedPart uploadPart(S3Uri uri, String uploadId, int partNumber, byte[] bytes) {
    checkUploadId(uploadId);
    MultipartLimits.checkPartNumber(partNumber);
    String etag = call("upload part " + partNumber + " of", uri, () -> s3.uploadPart(b -> b
        .bucket(uri.bucket()).key(uri.key()).uploadId(uploadId).partNumber(partNumber).contentLength((long) bytes.length),
        RequestBody.fromBytes(bytes)).eTag());
    return new CompletedPart(partNumber, etag);
  }

  @Override
  public List<String> openMultipartUploads(S3Uri uri) {
    return call("list multipart uploads of", uri, () -> s3.listMultipartUploadsPaginator(b -> b.bucket(uri.bucket()).prefix(uri.key()))
        .uploads().stream()
        .filter(u -> u.key().equals(uri.key()))
        .map(software.amazon.awssdk.services.s3.model.MultipartUpload::uploadId)
        .toList());
  }

  /** The parts uploaded so far, in part order (to resume an upload or check sizes before completing). */
  public List<PartInfo> listParts(S3Uri uri, String uploadId) {
    checkUploadId(uploadId);
    return call("list parts of", uri, () -> s3.listPartsPaginator(b -> b.bucket(uri.bucket()).key(uri.key()).uploadId(uploadId))
        .parts().stream()
        .map(p -> new PartInfo(p.partNumber(), p.eTag(), p.size()))
        .toList());
  }

  /** The object's bytes as they arrive from S3. The caller closes the stream; closing early drops the connection. */
  @Override
  public InputStream openStream(S3Uri uri) {
    if (local != null) return local.openStream(uri);
    return call("get", uri, () -> {
      ResponseInputStream<GetObjectResponse> body =
          s3.getObject(GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build());
      return new GetObjectStream(body, body.response().contentLength());
    });
  }

  /**
   * The object as it arrives, through Pekko Connectors S3 (non-blocking; chunks as the HTTP client
   * delivers them, so {@code chunkSize} is only a hint). A missing object fails the stream with a
   * NOT_FOUND {@link StorageException}.
   */
  @Override
  public Source<ByteString, CompletionStage<IOResult>> source(S3Uri uri, int chunkSize) {
    // The node's own embedded server is read in-process, on Pekko's blocking-io dispatcher: through its
    // HTTP API each request costs ~4 ms (s3proxy's signature check and Jetty), most of a small job's storage time.
    if (local != null) return StreamConverters.fromInputStream(() -> local.openStream(uri), chunkSize);
    return streams.read(uri);
  }

  /** A multipart upload through Pekko Connectors S3; the object appears when the stream completes. */
  @Override
  public Sink<ByteString, CompletionStage<ObjectInfo>> sink(S3Uri uri, String contentType) {
    checkContentType(contentType);
    return streams.write(uri, contentType);
  }

  /** One PUT through Pekko Connectors S3; the node's own embedded server is written in-process, on the blocking-io dispatcher. */
  @Override
  public Source<ObjectInfo, org.apache.pekko.NotUsed> put(S3Uri uri, ByteString bytes, String contentType) {
    checkContentType(contentType);
    if (local != null)
      return Source.lazySingle(() -> {
            local.put(uri, bytes.toArray(), contentType);
            return new ObjectInfo(uri, bytes.size(), contentType, "", java.time.Instant.now());
          })
          .withAttributes(ActorAttributes.dispatcher(BLOCKING_IO));
    return streams.put(uri, bytes, contentType);
  }

  @Override
  public void putObject(S3Uri uri, byte[] bytes, String contentType) {
    if (local != null) {
      checkContentType(contentType);
      local.put(uri, bytes, contentType);
      return;
    }
    put(uri, RequestBody.fromBytes(bytes), bytes.length, contentType);
  }

  public void putObject(S3Uri uri, Path file, String contentType) {
    put(uri, RequestBody.fromFile(file), -1, contentType);
  }

  /** Streams exactly {@code length} bytes from {@code in}, which the caller closes. */
  public void putObject(S3Uri uri, InputStream in, long length, String contentType) {
    put(uri, RequestBody.fromInputStream(in, length), length, contentType);
  }

  /** Removes the object; removing one that does not exist is not an error. */
  @Override
  public void delete(S3Uri uri) {
    if (local != null) {
      local.delete(uri);
      return;
    }
    call("delete", uri, () -> s3.deleteObject(b -> b.bucket(uri.bucket()).key(uri.key())));
  }

  /** A URL to download the object until the ttl runs out. */
  @Override
  public PresignedUrl presignGet(S3Uri uri, Duration ttl) {
    return presignGet(uri, ttl, null);
  }

  @Override
  public PresignedUrl presignDownload(S3Uri uri, Duration ttl, String filename) {
    return presignGet(uri, ttl, filename);
  }

  /** As {@link #presignGet(S3Uri, Duration)}, and browsers save the download as {@code downloadFilename}. */
  public PresignedUrl presignGet(S3Uri uri, Duration ttl, String downloadFilename) {
    checkTtl(ttl);
    GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key());
    if (downloadFilename != null) get.responseContentDisposition(ContentDisposition.attachment(downloadFilename));
    PresignedRequest signed = call("pre-sign GET", uri,
        () -> presigner.presignGetObject(p -> p.signatureDuration(ttl).getObjectRequest(get.build())));
    return presigned(uri, signed, Map.of());
  }

  @Override
  public void close() {
    presigner.close();
    s3.close();
  }

  private void put(S3Uri uri, RequestBody body, long length, String contentType) {
    checkContentType(contentType);
    call("put", uri, () -> s3.putObject(b -> {
      b.bucket(uri.bucket()).key(uri.key()).contentType(contentType);
      if (length >= 0) b.contentLength(length);
    }, body));
  }

  private boolean bucketExists(String bucket) {
    try {
      s3.headBucket(b -> b.bucket(bucket));
      return true;
    } catch (NoSuchBucketException e) {
      return false;
    }
  }

  private void createBucket(String bucket) {
    // Outside us-east-1 the SDK adds the client's region as the bucket's LocationConstraint itself.
    try {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException raced) {
      // another node created it between our check and our create
    }
  }

  private static ObjectInfo info(S3Uri uri, HeadObjectResponse head) {
    return new ObjectInfo(uri, head.contentLength(), head.contentType(), head.eTag(), head.lastModified());
  }

  /** The presigner signs every header it was given; make sure the ones that bind the upload really are. */
  private static PresignedUrl presigned(S3Uri uri, PresignedRequest signed, Map<String, String> mustSend) {
    for (String header : mustSend.keySet())
      if (signed.signedHeaders().keySet().stream().noneMatch(header::equalsIgnoreCase))
        throw new IllegalStateException("the pre-signed URL for " + uri + " does not sign " + header);
    return new PresignedUrl(signed.url().toString(), signed.expiration(), mustSend);
  }

  private static <T> T call(String action, Object target, Supplier<T> operation) {
    try {
      return operation.get();
    } catch (StorageException e) {
      throw e;
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) throw e;
      throw StorageErrors.translate(action, target, e);
    }
  }

  private static void checkContentType(String contentType) {
    if (contentType == null || contentType.isBlank() || contentType.chars().anyMatch(c -> c < 0x20 || c == 0x7f))
      throw new IllegalArgumentException("'" + contentType + "' is not a content type");
  }

  private static void checkTtl(Duration ttl) {
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0)
      throw new IllegalArgumentException("a pre-signed URL lives between 1 second and 7 days, not " + ttl);
  }

  private static void checkUploadId(String uploadId) {
    if (uploadId == null || uploadId.isBlank()) throw new IllegalArgumentException("the upload id is empty");
  }
}

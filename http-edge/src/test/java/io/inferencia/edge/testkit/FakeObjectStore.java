package io.inferencia.edge.testkit;

import io.inferencia.protocols.storage.CompletedPart;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.PresignedUrl;
import io.inferencia.protocols.storage.S3Uri;
import io.inferencia.protocols.storage.StorageException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Object storage in memory, for the edge's {@code /v1} routes: objects by URI (size and type only),
 * multipart uploads whose completed size is the sum of the parts that were signed, and URLs that only
 * name what they would do. Reading bytes is not supported: the edge never reads objects.
 */
public final class FakeObjectStore implements ObjectStore {
  private final Map<S3Uri, ObjectInfo> objects = new ConcurrentHashMap<>();
  private final Map<String, Map<Integer, Long>> partLengths = new ConcurrentHashMap<>();
  private final Map<String, String> multipartTypes = new ConcurrentHashMap<>();

  public void put(S3Uri uri, long size, String contentType) {
    objects.put(uri, new ObjectInfo(uri, size, contentType, "\"etag\"", Instant.now()));
  }

  @Override
  public String intakeBucket() {
    return "intake";
  }

  @Override
  public String resultsBucket() {
    return "results";
  }

  @Override
  public Optional<ObjectInfo> head(S3Uri uri) {
    return Optional.ofNullable(objects.get(uri));
  }

  @Override
  public PresignedUrl presignPut(S3Uri uri, String contentType, long contentLength, Duration ttl) {
    return url("put/" + uri.key(), ttl, Map.of("Content-Type", contentType));
  }

  @Override
  public String createMultipartUpload(S3Uri uri, String contentType) {
    String id = "mp-" + objects.size() + "-" + System.nanoTime();
    partLengths.put(id, new ConcurrentHashMap<>());
    multipartTypes.put(id, contentType);
    return id;
  }

  @Override
  public PresignedUrl presignUploadPart(S3Uri uri, String uploadId, int partNumber, long partLength, Duration ttl) {
    partLengths.get(uploadId).put(partNumber, partLength);
    return url("part/" + uploadId + "/" + partNumber, ttl, Map.of());
  }

  @Override
  public ObjectInfo completeMultipartUpload(S3Uri uri, String uploadId, List<CompletedPart> parts) {
    Map<Integer, Long> lengths = partLengths.remove(uploadId);
    if (lengths == null) throw new StorageException(StorageException.Kind.NOT_FOUND, "no upload " + uploadId, null);
    long size = parts.stream().mapToLong(p -> lengths.getOrDefault(p.partNumber(), 0L)).sum();
    put(uri, size, multipartTypes.remove(uploadId));
    return objects.get(uri);
  }

  @Override
  public void abortMultipartUpload(S3Uri uri, String uploadId) {
    partLengths.remove(uploadId);
  }

  @Override
  public InputStream openStream(S3Uri uri) {
    throw new UnsupportedOperationException("the edge does not read objects");
  }

  @Override
  public Source<ByteString, CompletionStage<IOResult>> source(S3Uri uri, int chunkSize) {
    throw new UnsupportedOperationException("the edge does not read objects");
  }

  @Override
  public org.apache.pekko.stream.javadsl.Sink<ByteString, CompletionStage<ObjectInfo>> sink(S3Uri uri, String contentType) {
    throw new UnsupportedOperationException("the edge does not write objects");
  }

  @Override
  public Source<ObjectInfo, org.apache.pekko.NotUsed> put(S3Uri uri, ByteString bytes, String contentType) {
    throw new UnsupportedOperationException("the edge does not write objects");
  }

  @Override
  public void putObject(S3Uri uri, byte[] bytes, String contentType) {
    put(uri, bytes.length, contentType);
  }

  @Override
  public void delete(S3Uri uri) {
    objects.remove(uri);
  }

  @Override
  public PresignedUrl presignGet(S3Uri uri, Duration ttl) {
    return url("get/" + uri.key(), ttl, Map.of());
  }

  @Override
  public PresignedUrl presignDownload(S3Uri uri, Duration ttl, String filename) {
    return url("get/" + uri.key() + "?attachment=" + filename, ttl, Map.of());
  }

  @Override
  public io.inferencia.protocols.storage.CompletedPart uploadPart(S3Uri uri, String uploadId, int partNumber, byte[] bytes) {
    throw new UnsupportedOperationException("the edge never uploads parts itself");
  }

  @Override
  public java.util.List<String> openMultipartUploads(S3Uri uri) {
    return java.util.List.of();
  }

  private static PresignedUrl url(String what, Duration ttl, Map<String, String> headers) {
    return new PresignedUrl("http://storage.invalid/" + what, Instant.now().plus(ttl), headers);
  }
}

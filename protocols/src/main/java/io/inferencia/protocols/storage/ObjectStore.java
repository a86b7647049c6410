package io.inferencia.protocols.storage;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The object storage port: the reads and writes the job worker makes and the pre-signed URLs through which the
 * edge lets clients move bytes themselves (so no edge ever carries an upload). The S3 adapter in
 * {@code persistence} implements it; the modules that use it never see an SDK type.
 *
 * <p>Every method but {@link #source} blocks on network I/O: call them from a bounded dispatcher for blocking
 * work, never from the default dispatcher or an actor's thread. Failures are {@link StorageException}s naming
 * the object; bad arguments are {@link IllegalArgumentException}s. Implementations are thread-safe.
 */
public interface ObjectStore {
  /** Where clients upload job inputs. */
  String intakeBucket();

  /** Where job results are written for clients to fetch. */
  String resultsBucket();

  /** Size, type, ETag and age of an object; empty when there is none. */
  Optional<ObjectInfo> head(S3Uri uri);

  /**
   * A URL for one PUT of exactly {@code contentLength} bytes of {@code contentType}: both headers are signed,
   * so the store refuses a body of another length or type, and the stored object is what was announced.
   */
  PresignedUrl presignPut(S3Uri uri, String contentType, long contentLength, Duration ttl);

  /** Starts a multipart upload; the object gets {@code contentType}. Returns the upload id. */
  String createMultipartUpload(S3Uri uri, String contentType);

  /**
   * A URL for one PUT of part {@code partNumber}, exactly {@code partLength} bytes (signed). Every part but the
   * last must be at least {@link MultipartLimits#MIN_PART_SIZE}.
   */
  PresignedUrl presignUploadPart(S3Uri uri, String uploadId, int partNumber, long partLength, Duration ttl);

  /**
   * Joins the parts into the object. INVALID when a part is missing, its ETag does not match, or a part other
   * than the last is too small; NOT_FOUND when the upload is gone. The upload stays open after INVALID.
   */
  ObjectInfo completeMultipartUpload(S3Uri uri, String uploadId, List<CompletedPart> parts);

  /** Drops the upload and its parts. NOT_FOUND when there is no such upload. */
  void abortMultipartUpload(S3Uri uri, String uploadId);

  /** Uploads part {@code partNumber} of an open upload (the worker writing a large result itself). */
  CompletedPart uploadPart(S3Uri uri, String uploadId, int partNumber, byte[] bytes);

  /** The ids of the uploads to exactly this key that were started and neither completed nor aborted. */
  List<String> openMultipartUploads(S3Uri uri);

  /** The object's bytes as they arrive. The caller closes the stream; closing early drops the connection. */
  InputStream openStream(S3Uri uri);

  /**
   * The object as a stream of {@code chunkSize} chunks, opened when the stream starts and read on a blocking
   * dispatcher. A missing object fails the stream with a NOT_FOUND {@link StorageException}.
   */
  Source<ByteString, CompletionStage<IOResult>> source(S3Uri uri, int chunkSize);

  /**
   * Writes the stream to {@code uri} as a multipart upload: nothing is visible until the stream
   * completes (with the object's info); a failed stream leaves at most an incomplete upload, which
   * {@link #openMultipartUploads} finds and {@link #abortMultipartUpload} removes.
   */
  org.apache.pekko.stream.javadsl.Sink<ByteString, CompletionStage<ObjectInfo>> sink(S3Uri uri, String contentType);

  void putObject(S3Uri uri, byte[] bytes, String contentType);

  /**
   * A small object written in one PUT, without blocking a thread (Pekko Connectors S3): the write
   * happens when the source runs, and it emits the object's info once stored.
   */
  Source<ObjectInfo, org.apache.pekko.NotUsed> put(S3Uri uri, ByteString bytes, String contentType);

  /** Removes the object; removing one that does not exist is not an error. */
  void delete(S3Uri uri);

  /** A URL to download the object until the ttl runs out. */
  PresignedUrl presignGet(S3Uri uri, Duration ttl);

  /** As {@link #presignGet(S3Uri, Duration)}; the response says {@code Content-Disposition: attachment} with this file name. */
  PresignedUrl presignDownload(S3Uri uri, Duration ttl, String filename);
}

package io.inferencia.gpu.jobs;

import io.inferencia.protocols.jobs.JobResults;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * Where one attempt of a job writes a result that is a file of its own (an encoded WAV, a recovered
 * secret), streamed as it is produced. Each attempt has its own key ({@link JobResults#key}): a stale
 * attempt that finishes late never overwrites the published result.
 */
public final class JobOutput {
  static final int PART_BYTES = 8 * 1024 * 1024;

  private final ObjectStore objects;
  private final String bucket;
  private final String jobId;
  private final int attempt;
  private final Executor blocking;
  private final LongConsumer progress;

  /** @param progress hears the bytes of input done (it passes on at most one report a second) */
  public JobOutput(ObjectStore objects, String bucket, String jobId, int attempt, Executor blocking, LongConsumer progress) {
    this.objects = objects;
    this.bucket = bucket;
    this.jobId = jobId;
    this.attempt = attempt;
    this.blocking = blocking;
    this.progress = progress;
  }

  /** A long task's progress: bytes of its input done so far. */
  public void progress(long bytesDone) {
    progress.accept(bytesDone);
  }

  public S3Uri uri(String extension) {
    return new S3Uri(bucket, JobResults.key(jobId, attempt, extension));
  }

  /**
   * A multipart upload of the stream to {@link #uri(String)}: it first aborts what earlier attempts of
   * this job left open there (a worker lost mid-file), publishes the object only when the stream
   * completes, and aborts the upload when the stream fails, so no partial object ever appears.
   */
  public Sink<ByteString, CompletionStage<ObjectInfo>> upload(String extension, String contentType) {
    return upload(extension, contentType, new StageTimes());
  }

  /** As {@link #upload(String, String)}, adding the parts' upload time to {@code times}. */
  public Sink<ByteString, CompletionStage<ObjectInfo>> upload(String extension, String contentType, StageTimes times) {
    return MultipartUpload.sink(objects, uri(extension), contentType, blocking, PART_BYTES,
        () -> abortEarlierAttempts(extension), times.writeNanos::add);
  }

  private void abortEarlierAttempts(String extension) {
    for (int earlier = 1; earlier <= attempt; earlier++) {
      S3Uri uri = new S3Uri(bucket, JobResults.key(jobId, earlier, extension));
      for (String uploadId : objects.openMultipartUploads(uri)) objects.abortMultipartUpload(uri, uploadId);
    }
  }
}

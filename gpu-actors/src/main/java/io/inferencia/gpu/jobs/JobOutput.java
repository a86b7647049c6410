package io.inferencia.gpu.jobs;

import kamon.trace.Span;

import io.inferencia.protocols.jobs.JobResults;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * Where one attempt of a job writes a result that is a file of its own (an encoded WAV, a recovered
 * secret), streamed as it is produced. Each attempt has its own key ({@link JobResults#key}): a stale
 * attempt that finishes late never overwrites the published result.
 */
public final class JobOutput {
  private final ObjectStore objects;
  private final String bucket;
  private final String jobId;
  private final int attempt;
  private final Executor blocking;
  private final LongConsumer progress;
  private final String trace;

  /** @param progress hears the bytes of input done (it passes on at most one report a second) */
  public JobOutput(ObjectStore objects, String bucket, String jobId, int attempt, Executor blocking, LongConsumer progress) {
    this(objects, bucket, jobId, attempt, blocking, progress, "");
  }

  private JobOutput(ObjectStore objects, String bucket, String jobId, int attempt, Executor blocking, LongConsumer progress,
      String trace) {
    this.objects = objects;
    this.bucket = bucket;
    this.jobId = jobId;
    this.attempt = attempt;
    this.blocking = blocking;
    this.progress = progress;
    this.trace = trace;
  }

  /** The same output, each upload a {@code s3.upload} span under {@code trace} (a W3C traceparent). */
  JobOutput traced(String trace) {
    return new JobOutput(objects, bucket, jobId, attempt, blocking, progress, trace);
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

  /**
   * As {@link #upload(String, String)}, adding to {@code times} how long the upload held the task back
   * (backpressure, then the final part and completion). The bytes go through Pekko Connectors S3's
   * {@code multipartUpload} ({@link ObjectStore#sink}); each materialization is one upload.
   */
  public Sink<ByteString, CompletionStage<ObjectInfo>> upload(String extension, String contentType, StageTimes times) {
    S3Uri target = uri(extension);
    return Sink.<ByteString, CompletionStage<ObjectInfo>>fromMaterializer((mat, attributes) -> {
          Span span = StorageSpans.start("s3.upload", target, trace);
          CompletableFuture<Sink<ByteString, CompletionStage<ObjectInfo>>> ready =
              CompletableFuture.runAsync(() -> abortEarlierAttempts(extension), blocking)
                  .thenApply(v -> objects.sink(target, contentType));
          long[] inputEndedAt = {0};
          return Flow.<ByteString>create()
              .via(WaitTimer.downstream(times.writeNanos))
              .watchTermination((m, ended) -> ended.thenRun(() -> inputEndedAt[0] = System.nanoTime()))
              .toMat(Sink.completionStageSink(ready), Keep.right())
              .mapMaterializedValue(nested -> nested.thenCompose(info -> info).whenComplete((info, failure) -> {
                if (inputEndedAt[0] > 0) times.writeNanos.add(System.nanoTime() - inputEndedAt[0]);
                if (info != null) span.tag("s3.bytes", info.size());
                if (failure != null) span.fail(failure);
                span.finish();
                // A failed stream leaves an incomplete upload: remove it, so nothing of it lingers.
                if (failure != null) CompletableFuture.runAsync(() -> abortOpen(target), blocking);
              }));
        })
        .mapMaterializedValue(nested -> nested.thenCompose(info -> info));
  }

  private void abortOpen(S3Uri target) {
    try {
      for (String uploadId : objects.openMultipartUploads(target)) objects.abortMultipartUpload(target, uploadId);
    } catch (RuntimeException e) {
      // The next attempt aborts what is left open under this job's keys.
    }
  }

  private void abortEarlierAttempts(String extension) {
    for (int earlier = 1; earlier <= attempt; earlier++) {
      S3Uri uri = new S3Uri(bucket, JobResults.key(jobId, earlier, extension));
      for (String uploadId : objects.openMultipartUploads(uri)) objects.abortMultipartUpload(uri, uploadId);
    }
  }
}

package io.inferencia.gpu.jobs;

import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A job's input object, read the way its task needs it: as a stream of chunks (audio, in bounded memory
 * whatever its size), or whole (an image to decode, a request document) within a limit. Both come
 * through Pekko Connectors S3 ({@link ObjectStore#source}): no thread blocks on storage.
 */
public final class JobInput {
  private static final int CHUNK = 256 * 1024;

  private final ObjectStore objects;
  private final S3Uri uri;
  private final Materializer mat;
  private final String trace;

  JobInput(ObjectStore objects, S3Uri uri, long declaredBytes, Executor blocking, Materializer mat) {
    this(objects, uri, mat, "");
  }

  private JobInput(ObjectStore objects, S3Uri uri, Materializer mat, String trace) {
    this.objects = objects;
    this.uri = uri;
    this.mat = mat;
    this.trace = trace;
  }

  /** The same input, each read a {@code s3.get} span under {@code trace} (a W3C traceparent). */
  JobInput traced(String trace) {
    return new JobInput(objects, uri, mat, trace);
  }

  /** The object as it arrives from storage, in chunks. */
  public Source<ByteString, ?> stream() {
    return objects.source(uri, CHUNK).via(StorageSpans.measured("s3.get", uri, trace));
  }

  /** As {@link #stream()}, adding the time spent blocked in storage reads to {@code times}. */
  public Source<ByteString, ?> stream(StageTimes times) {
    return stream().via(WaitTimer.upstream(times.readNanos));
  }

  /**
   * All bytes, read through the storage stream (Pekko Connectors S3, non-blocking); INVALID_ARGUMENT
   * when the object holds more than {@code limit} (it changed after submission).
   */
  public CompletionStage<byte[]> readAll(long limit) {
    return InputReader.readAll(stream(), limit, mat);
  }
}

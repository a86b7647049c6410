package io.inferencia.gpu.jobs;

import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * A job's input object, read the way its task needs it: as a stream of chunks (audio, in bounded memory
 * whatever its size), or whole (an image to decode, a request document) within a limit. A small whole
 * read is one blocking call on the blocking executor rather than a stream.
 */
public final class JobInput {
  private static final int CHUNK = 256 * 1024;
  private static final long DIRECT_READ_MAX = 4L * 1024 * 1024;

  private final ObjectStore objects;
  private final S3Uri uri;
  private final long declaredBytes;
  private final Executor blocking;
  private final Materializer mat;

  JobInput(ObjectStore objects, S3Uri uri, long declaredBytes, Executor blocking, Materializer mat) {
    this.objects = objects;
    this.uri = uri;
    this.declaredBytes = declaredBytes;
    this.blocking = blocking;
    this.mat = mat;
  }

  /** The object as it arrives from storage, in chunks. */
  public Source<ByteString, ?> stream() {
    return objects.source(uri, CHUNK);
  }

  /** As {@link #stream()}, adding the time spent blocked in storage reads to {@code times}. */
  public Source<ByteString, ?> stream(StageTimes times) {
    // Read on Pekko's blocking-io dispatcher, as ObjectStore#source reads.
    return StreamConverters.fromInputStream(() -> new TimedInputStream(objects.openStream(uri), times.readNanos), CHUNK);
  }

  /** All bytes; INVALID_ARGUMENT when the object holds more than {@code limit} (it changed after submission). */
  public CompletionStage<byte[]> readAll(long limit) {
    if (declaredBytes > DIRECT_READ_MAX) return InputReader.readAll(stream(), limit, mat);
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream in = objects.openStream(uri)) {
        byte[] bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        if (bytes.length > limit)
          throw InferenceException.invalid("the input is larger than the task's limit of " + limit + " bytes");
        return bytes;
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + uri + ": " + e.getMessage(), e);
      }
    }, blocking);
  }
}

package io.inferencia.gpu.jobs;

import io.inferencia.protocols.inference.InferenceException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Reads a whole input for tasks that need all of it (an image to decode), refusing to hold more than
 * the limit: an object that grew past what was checked at submission fails instead of filling the heap.
 */
public final class InputReader {
  private InputReader() {}

  public static CompletionStage<byte[]> readAll(Source<ByteString, ?> input, long limit, Materializer mat) {
    return input
        .limitWeighted(limit, chunk -> (long) chunk.size())
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat)
        .handle((bytes, failure) -> {
          if (failure == null) return bytes.toArray();
          Throwable c = io.inferencia.protocols.inference.InferenceErrors.unwrap(failure);
          if (c instanceof org.apache.pekko.stream.StreamLimitReachedException)
            throw InferenceException.invalid("the input is larger than the task's limit of " + limit + " bytes");
          if (c instanceof RuntimeException r) throw r;
          throw new java.util.concurrent.CompletionException(c);
        });
  }
}

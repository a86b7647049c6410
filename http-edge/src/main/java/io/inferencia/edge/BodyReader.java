package io.inferencia.edge;

import io.inferencia.edge.errors.RequestTooLargeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Reads a request body up to a limit. Over the limit it fails with {@link RequestTooLargeException}
 * only after the client has finished sending (up to {@link #DRAIN_FACTOR} times the limit), so the
 * client reads the 413 / RESOURCE_EXHAUSTED answer instead of a broken pipe or a stream reset.
 * Beyond that it gives up at once and the connection is dropped.
 */
public final class BodyReader {
  /** How much past the limit is still drained before giving up on a polite answer. */
  public static final int DRAIN_FACTOR = 4;

  private BodyReader() {}

  public static CompletionStage<ByteString> read(HttpEntity entity, long limit, Materializer mat) {
    long drainCap = limit > Long.MAX_VALUE / DRAIN_FACTOR ? Long.MAX_VALUE : limit * DRAIN_FACTOR;
    if (entity.getContentLengthOption().isPresent() && entity.getContentLengthOption().getAsLong() > drainCap)
      return CompletableFuture.failedFuture(
          new RequestTooLargeException(entity.getContentLengthOption().getAsLong(), limit));
    // HTTP/2 delivers small requests whole (min-collect-strict-entity-size): no stream to run.
    if (entity instanceof HttpEntity.Strict strict) {
      ByteString data = strict.getData();
      return data.size() > limit
          ? CompletableFuture.failedFuture(new RequestTooLargeException(data.size(), limit))
          : CompletableFuture.completedFuture(data);
    }
    Accumulator acc = new Accumulator();
    return entity.getDataBytes()
        .map(chunk -> {
          acc.seen += chunk.size();
          if (acc.seen > drainCap) throw new RequestTooLargeException(acc.seen, limit);
          if (acc.seen <= limit) acc.bytes.append(chunk);
          return chunk;
        })
        .runForeach(chunk -> {}, mat)
        .thenApplyAsync(done -> {
          if (acc.seen > limit) throw new RequestTooLargeException(acc.seen, limit);
          return acc.bytes.result();
        }, CallingThread.EXECUTOR);
  }

  /** Confined to the one stream that reads the body. */
  private static final class Accumulator {
    final ByteStringBuilder bytes = ByteString.createBuilder();
    long seen;
  }
}

package io.inferencia.gpu.jobs;

import io.inferencia.protocols.storage.CompletedPart;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * Streams bytes into an S3 multipart upload in bounded memory: parts of a fixed size are cut as bytes
 * arrive and at most two are uploaded at once (on the blocking executor), so a 500 MB result needs
 * three parts' worth of heap. The object appears only when the upload completes.
 */
final class MultipartUpload {
  private static final int PARTS_IN_FLIGHT = 2;

  private MultipartUpload() {}

  /**
   * Each materialization is one upload: {@code beforeStart} runs, then the upload is created, on {@code blocking};
   * {@code writeNanos} hears the time each part's upload took.
   */
  static Sink<ByteString, CompletionStage<ObjectInfo>> sink(ObjectStore objects, S3Uri uri, String contentType,
      Executor blocking, int partBytes, Runnable beforeStart, LongConsumer writeNanos) {
    return Sink.<ByteString, CompletionStage<ObjectInfo>>fromMaterializer(
            (mat, attributes) -> upload(objects, uri, contentType, blocking, partBytes, beforeStart, writeNanos))
        .mapMaterializedValue(nested -> nested.thenCompose(info -> info));
  }

  private static Sink<ByteString, CompletionStage<ObjectInfo>> upload(ObjectStore objects, S3Uri uri, String contentType,
      Executor blocking, int partBytes, Runnable beforeStart, LongConsumer writeNanos) {
    CompletableFuture<String> started = CompletableFuture.supplyAsync(() -> {
      beforeStart.run();
      return objects.createMultipartUpload(uri, contentType);
    }, blocking);
    Sink<ByteString, CompletionStage<List<CompletedPart>>> parts = Flow.of(ByteString.class)
        .via(cutParts(partBytes))
        .zipWithIndex()
        .mapAsync(PARTS_IN_FLIGHT, part -> started.thenApplyAsync(id -> {
          long start = System.nanoTime();
          CompletedPart done = objects.uploadPart(uri, id, (int) (part.second() + 1), part.first());
          writeNanos.accept(System.nanoTime() - start);
          return done;
        }, blocking))
        .toMat(Sink.seq(), Keep.right());
    return parts.mapMaterializedValue(done -> done
        .thenCompose(list -> started.thenApplyAsync(id -> objects.completeMultipartUpload(uri, id, list), blocking))
        .whenComplete((info, failure) -> {
          if (failure != null) abortQuietly(objects, uri, started, blocking);
        }));
  }

  /** Fixed-size parts; the last holds the rest (and is empty only when the whole stream was). */
  private static Flow<ByteString, byte[], ?> cutParts(int partBytes) {
    return Flow.of(ByteString.class).statefulMap(
        () -> new PartBuffer(partBytes),
        (buffer, bytes) -> Pair.create(buffer, buffer.add(bytes)),
        buffer -> buffer.rest().map(List::of))
        .mapConcat(list -> list);
  }

  private static void abortQuietly(ObjectStore objects, S3Uri uri, CompletableFuture<String> started, Executor blocking) {
    started.thenAcceptAsync(id -> {
      try {
        objects.abortMultipartUpload(uri, id);
      } catch (RuntimeException ignored) {
        // The next attempt aborts what is left open under its job's keys.
      }
    }, blocking);
  }

  /** Collects bytes into parts of exactly {@code partBytes}. */
  private static final class PartBuffer {
    private final int partBytes;
    private byte[] part;
    private int filled;
    private boolean cut;

    PartBuffer(int partBytes) {
      this.partBytes = partBytes;
    }

    List<byte[]> add(ByteString bytes) {
      List<byte[]> full = new ArrayList<>(1);
      int at = 0;
      while (at < bytes.size()) {
        if (part == null) part = new byte[partBytes];
        int take = Math.min(bytes.size() - at, partBytes - filled);
        bytes.slice(at, at + take).copyToArray(part, filled, take);
        filled += take;
        at += take;
        if (filled == partBytes) {
          cut = true;
          full.add(part);
          part = null;
          filled = 0;
        }
      }
      return full;
    }

    /** The last, shorter part; none when the parts cut so far hold every byte (an upload needs one part). */
    Optional<byte[]> rest() {
      if (filled == 0 && cut) return Optional.empty();
      byte[] last = java.util.Arrays.copyOf(part == null ? new byte[0] : part, filled);
      part = null;
      return Optional.of(last);
    }
  }
}

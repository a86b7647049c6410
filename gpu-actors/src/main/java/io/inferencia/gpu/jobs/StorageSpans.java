package io.inferencia.gpu.jobs;

import io.inferencia.protocols.storage.S3Uri;
import io.inferencia.protocols.tracing.Tracing;
import java.util.concurrent.CompletionStage;
import kamon.trace.Span;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/** Client spans of a job's object storage calls, children of the attempt's span, with the bytes they moved. */
final class StorageSpans {
  private StorageSpans() {}

  /** A span of one call on {@code uri} ({@code s3.get}, {@code s3.put}, {@code s3.upload}); none when {@code trace} is empty. */
  static Span start(String operation, S3Uri uri, String trace) {
    if (trace.isEmpty()) return Tracing.none();
    Span span = Tracing.client(operation, "storage", trace);
    span.tag("s3.bucket", uri.bucket());
    span.tag("s3.key", uri.key());
    return span;
  }

  /**
   * Bytes passed through, as a span from the stream's start until it ends (the bytes counted, a
   * failure marked); each materialization is one span. {@code trace} empty: the flow does nothing.
   */
  static Flow<ByteString, ByteString, ?> measured(String operation, S3Uri uri, String trace) {
    if (trace.isEmpty() || !Tracing.enabled()) return Flow.create();
    return Flow.<ByteString, ByteString, NotUsed>fromMaterializer((mat, attributes) -> {
      Span span = start(operation, uri, trace);
      long[] bytes = {0};
      return Flow.<ByteString>create()
          .map(chunk -> {
            bytes[0] += chunk.size();
            return chunk;
          })
          .watchTermination((notUsed, done) -> finished(span, bytes, done));
    });
  }

  private static NotUsed finished(Span span, long[] bytes, CompletionStage<?> done) {
    done.whenComplete((d, failure) -> {
      span.tag("s3.bytes", bytes[0]);
      if (failure != null) span.fail(failure);
      span.finish();
    });
    return NotUsed.getInstance(); // materialized values may not be null
  }
}

package io.inferencia.edge.tracing;

import io.inferencia.protocols.tracing.Tracing;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import kamon.trace.Span;
import org.apache.pekko.grpc.javadsl.Metadata;

/**
 * The gRPC edge's server spans: one per traced call ({@code ModelInfer}, each message of
 * {@code ModelStreamInfer}, {@code JobService/Submit}), child of the {@code traceparent} metadata entry
 * when the client sent one, as OpenTelemetry's gRPC instrumentation propagates it.
 */
public final class GrpcTracing {
  private GrpcTracing() {}

  /** The caller's traceparent from the call's metadata, {@code ""} for none. */
  public static String incoming(Metadata metadata) {
    return metadata.getText(Tracing.TRACEPARENT).orElse("");
  }

  /**
   * Runs {@code call} within a server span named {@code method}, handing it the span's traceparent to
   * pass on; the span ends when the call's answer does.
   */
  public static <T> CompletionStage<T> traced(String method, Optional<String> incoming,
      Function<String, CompletionStage<T>> call) {
    if (!Tracing.enabled()) return call.apply("");
    Span span = Tracing.server(method, "grpc", incoming.orElse(""));
    span.tag("rpc.system", "grpc");
    span.tag("rpc.method", method);
    CompletionStage<T> answer;
    try {
      answer = call.apply(Tracing.traceparent(span));
    } catch (RuntimeException e) {
      span.fail(e);
      span.finish();
      throw e;
    }
    return Tracing.finishWhen(span, answer);
  }
}

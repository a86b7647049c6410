package io.inferencia.protocols.tracing;

import java.util.Collection;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import kamon.Kamon;
import kamon.context.Context;
import kamon.context.Storage;
import kamon.trace.Span;
import kamon.trace.SpanBuilder;
import scala.Option;

/**
 * Spans of one request or job across the edge, the job entity, the worker and the batchers, as Kamon
 * spans exported over OTLP (Kamon's OpenTelemetry reporter). Context crosses hops (actor messages,
 * journal events, other nodes) as a W3C {@code traceparent} string inside the messages themselves,
 * never in thread-locals: a job may run minutes after, and on another node than, its submission.
 *
 * <p>Off unless the node enables it (an OTLP endpoint is configured): then every method returns
 * the empty span or {@code ""} at once, so untraced serving pays nothing.
 */
public final class Tracing {
  /** The W3C header and gRPC metadata key. */
  public static final String TRACEPARENT = "traceparent";

  private static final Span NONE = kamon.trace.Span$Empty$.MODULE$;
  private static final kamon.trace.Trace.SamplingDecision SAMPLE = kamon.trace.Trace$SamplingDecision$Sample$.MODULE$;
  private static final kamon.trace.Trace.SamplingDecision DO_NOT_SAMPLE =
      kamon.trace.Trace$SamplingDecision$DoNotSample$.MODULE$;
  private static final kamon.trace.SpanPropagation$W3CTraceContext$ W3C = kamon.trace.SpanPropagation$W3CTraceContext$.MODULE$;

  private static volatile boolean enabled;

  private Tracing() {}

  /** Called once by the node when spans are exported. */
  public static void enable() {
    enabled = true;
  }

  public static boolean enabled() {
    return enabled;
  }

  /** A server span: the edge receiving a call, child of the caller's {@code traceparent} when it sent a valid one. */
  public static Span server(String operation, String component, String traceparent) {
    return start(Kamon::serverSpanBuilder, operation, component, traceparent);
  }

  /** A consumer span: a message taken from a queue, child of the {@code traceparent} its producer sent. */
  public static Span consumer(String operation, String component, String traceparent) {
    return start(Kamon::consumerSpanBuilder, operation, component, traceparent);
  }

  /** An internal span, child of {@code traceparent} ({@code ""} or invalid: a new trace). */
  public static Span internal(String operation, String component, String traceparent) {
    return start(Kamon::internalSpanBuilder, operation, component, traceparent);
  }

  /** A client span (a call to another service: object storage), child of {@code traceparent}. */
  public static Span client(String operation, String component, String traceparent) {
    return start(Kamon::clientSpanBuilder, operation, component, traceparent);
  }

  /**
   * A span of work done for many callers at once (a batch): a root of its own trace that links to each
   * caller's span, as OpenTelemetry models batching. Sampled when any linked caller is, else not.
   */
  public static Span linked(String operation, String component, Collection<String> traceparents) {
    if (!enabled) return NONE;
    SpanBuilder builder = Kamon.internalSpanBuilder(operation, component).ignoreParentFromContext().doNotTrackMetrics();
    boolean sampled = false;
    for (String tp : traceparents) {
      Option<Span> remote = decode(tp);
      if (remote.isDefined()) {
        builder.link(remote.get(), kamon.trace.Span$Link$Kind$FollowsFrom$.MODULE$);
        sampled |= remote.get().trace().samplingDecision() == SAMPLE;
      }
    }
    builder.samplingDecision(sampled ? SAMPLE : DO_NOT_SAMPLE);
    return builder.start();
  }

  /** The span as a W3C traceparent to carry in a message; {@code ""} for no span. */
  public static String traceparent(Span span) {
    return span.isEmpty() ? "" : W3C.encodeTraceParent(span);
  }

  /** Finishes {@code span} when {@code stage} completes, marking it failed on a failure; returns {@code stage}. */
  public static <T> CompletionStage<T> finishWhen(Span span, CompletionStage<T> stage) {
    if (span.isEmpty()) return stage;
    return stage.whenComplete((value, failure) -> {
      if (failure != null) span.fail(failure);
      span.finish();
    });
  }

  /** Runs {@code body} with {@code span} current on this thread, so that log lines written meanwhile carry its ids. */
  public static <T> T withCurrent(Span span, Supplier<T> body) {
    if (span.isEmpty()) return body.get();
    try (Storage.Scope scope = Kamon.storeContext(Context.of(Span.Key(), span))) {
      return body.get();
    }
  }

  /** As {@link #withCurrent(Span, Supplier)} for a body without a result. */
  public static void withCurrent(Span span, Runnable body) {
    withCurrent(span, () -> {
      body.run();
      return null;
    });
  }

  /** No span: every operation on it does nothing. */
  public static Span none() {
    return NONE;
  }

  /** The span current on this thread (see {@link #withCurrent}), the empty span when none. */
  public static Span current() {
    return enabled ? Kamon.currentSpan() : NONE;
  }

  /** A span of the builder's kind, child of {@code traceparent}; none while tracing is off. */
  private static Span start(BiFunction<String, String, SpanBuilder> kind, String operation, String component,
      String traceparent) {
    if (!enabled) return NONE;
    return childOf(kind.apply(operation, component), traceparent).start();
  }

  private static SpanBuilder childOf(SpanBuilder builder, String traceparent) {
    builder.ignoreParentFromContext().doNotTrackMetrics();
    Option<Span> parent = decode(traceparent);
    if (parent.isDefined()) builder.asChildOf(parent.get());
    return builder;
  }

  private static Option<Span> decode(String traceparent) {
    if (traceparent == null || traceparent.isEmpty()) return Option.empty();
    try {
      return W3C.decodeTraceParent(traceparent.trim());
    } catch (RuntimeException malformed) {
      return Option.empty(); // a malformed header starts a new trace, as the W3C spec asks
    }
  }
}

package io.inferencia.node.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.inferencia.protocols.tracing.Tracing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import kamon.trace.Span;

/**
 * One JSON object per line (what log collectors such as Loki, Elasticsearch or Cloud Logging parse
 * without rules): time, level, logger, thread, message, the MDC, the exception, and the trace and span
 * ids of the span current where the line was written, so a line leads to its trace. On with
 * {@code LOG_FORMAT=json} (see logback.xml).
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
  private static final byte[] NOTHING = new byte[0];
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      json.writeStringField("message", event.getFormattedMessage());
      Map<String, String> mdc = event.getMDCPropertyMap();
      writeTrace(json, mdc);
      for (Map.Entry<String, String> e : mdc.entrySet())
        if (!e.getKey().equals("trace_id") && !e.getKey().equals("span_id")) json.writeStringField(e.getKey(), e.getValue());
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) json.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /** Ids from the MDC when a caller put them there, else from the span current on the logging thread. */
  private static void writeTrace(JsonGenerator json, Map<String, String> mdc) throws IOException {
    String traceId = mdc.get("trace_id");
    String spanId = mdc.get("span_id");
    if (traceId == null) {
      Span span = Tracing.current();
      if (span.isEmpty()) return;
      traceId = span.trace().id().string();
      spanId = span.id().string();
    }
    json.writeStringField("trace_id", traceId);
    if (spanId != null) json.writeStringField("span_id", spanId);
  }
}

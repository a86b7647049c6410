package io.inferencia.node.testkit;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A small OpenTelemetry collector: OTLP/HTTP with protobuf bodies on {@code POST /v1/traces}, as the
 * OpenTelemetry exporters send them. Spans are decoded by field number (opentelemetry-proto's
 * trace.proto), so no generated classes of another protobuf version are needed.
 */
public final class OtlpReceiver implements AutoCloseable {
  /** A link from one span to another span (the batch's links to its requests). */
  public record Link(String traceId, String spanId) {}

  /** One received span; ids in lower-case hex, {@code parentSpanId} empty for a root. */
  public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, int kind,
      Map<String, String> attributes, List<Link> links, String service) {}

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();

  public OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", NodeProcess.freePort()), 0);
    server.createContext("/v1/traces", exchange -> {
      try (exchange) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (!"POST".equals(exchange.getRequestMethod()) || type == null || !type.startsWith("application/x-protobuf")) {
          problems.add(exchange.getRequestMethod() + " with Content-Type " + type);
          exchange.sendResponseHeaders(415, -1);
          return;
        }
        InputStream body = exchange.getRequestBody();
        if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) body = new GZIPInputStream(body);
        spans.addAll(decode(body.readAllBytes()));
        exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, 0); // an empty ExportTraceServiceResponse
      } catch (IOException | RuntimeException e) {
        problems.add(e.toString());
        exchange.sendResponseHeaders(400, -1);
      }
    });
    server.start();
  }

  /** What the node's OTEL_EXPORTER_OTLP_ENDPOINT should be (with protocol http/protobuf). */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  public List<ReceivedSpan> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  /** Requests that were not OTLP/HTTP protobuf exports. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.resource = 1, .scope_spans = 2;
  // Resource.attributes = 1; ScopeSpans.spans = 2; Span fields as named below; KeyValue.key = 1,
  // .value = 2; AnyValue.string_value = 1, .bool_value = 2, .int_value = 3, .double_value = 4.
  static List<ReceivedSpan> decode(byte[] request) throws IOException {
    List<ReceivedSpan> out = new ArrayList<>();
    for (ByteString resourceSpans : fields(UnknownFieldSet.parseFrom(request), 1)) {
      UnknownFieldSet rs = UnknownFieldSet.parseFrom(resourceSpans);
      String service = "";
      for (ByteString resource : fields(rs, 1))
        service = attributes(UnknownFieldSet.parseFrom(resource), 1).getOrDefault("service.name", "");
      for (ByteString scopeSpans : fields(rs, 2))
        for (ByteString span : fields(UnknownFieldSet.parseFrom(scopeSpans), 2))
          out.add(span(UnknownFieldSet.parseFrom(span), service));
    }
    return out;
  }

  private static ReceivedSpan span(UnknownFieldSet s, String service) throws IOException {
    List<Link> links = new ArrayList<>();
    for (ByteString link : fields(s, 13)) {
      UnknownFieldSet l = UnknownFieldSet.parseFrom(link);
      links.add(new Link(hex(l, 1), hex(l, 2)));
    }
    List<Long> kind = s.hasField(6) ? s.getField(6).getVarintList() : List.of();
    return new ReceivedSpan(hex(s, 1), hex(s, 2), hex(s, 4), text(s, 5), kind.isEmpty() ? 0 : kind.get(0).intValue(),
        attributes(s, 9), links, service);
  }

  private static Map<String, String> attributes(UnknownFieldSet message, int field) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (ByteString kv : fields(message, field)) {
      UnknownFieldSet pair = UnknownFieldSet.parseFrom(kv);
      UnknownFieldSet value = UnknownFieldSet.parseFrom(fields(pair, 2).isEmpty() ? ByteString.EMPTY : fields(pair, 2).get(0));
      String v = !fields(value, 1).isEmpty() ? fields(value, 1).get(0).toStringUtf8()
          : value.hasField(2) ? Boolean.toString(value.getField(2).getVarintList().get(0) != 0)
          : value.hasField(3) ? Long.toString(value.getField(3).getVarintList().get(0))
          : value.hasField(4) ? Double.toString(Double.longBitsToDouble(value.getField(4).getFixed64List().get(0)))
          : "";
      out.put(text(pair, 1), v);
    }
    return out;
  }

  private static List<ByteString> fields(UnknownFieldSet message, int number) {
    return message.hasField(number) ? message.getField(number).getLengthDelimitedList() : List.of();
  }

  private static String text(UnknownFieldSet message, int number) {
    List<ByteString> f = fields(message, number);
    return f.isEmpty() ? "" : f.get(0).toStringUtf8();
  }

  private static String hex(UnknownFieldSet message, int number) {
    List<ByteString> f = fields(message, number);
    return f.isEmpty() || f.get(0).isEmpty() ? "" : HexFormat.of().formatHex(f.get(0).toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

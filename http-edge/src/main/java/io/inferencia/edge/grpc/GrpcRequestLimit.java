package io.inferencia.edge.grpc;

import io.grpc.Status;
import io.inferencia.edge.errors.ErrorMapping;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Enforces {@code edge.max-request-bytes} per gRPC request message, answering RESOURCE_EXHAUSTED as
 * grpc-java's max inbound message size does (Pekko gRPC 1.1 has no such setting).
 *
 * <p>Why not {@code entity.withSizeLimit}: a failing request entity makes Pekko's HTTP/2 layer reset
 * the stream (RST_STREAM CANCEL) before any response, so the client sees CANCELLED instead of a
 * status. Unary calls are therefore read here first: once over the limit the error response is sent
 * at once (the client then stops sending) and the rest is discarded. Streaming calls must not be
 * buffered, so their gRPC frames are scanned instead, see {@link #stream}.
 */
public final class GrpcRequestLimit {
  private GrpcRequestLimit() {}

  public static Function<HttpRequest, CompletionStage<HttpResponse>> wrap(
      Function<HttpRequest, CompletionStage<HttpResponse>> service, long limit, ClassicActorSystemProvider system) {
    return request -> request.getUri().path().endsWith("/ModelStreamInfer")
        ? stream(service, request, limit)
        : unary(service, request, limit, system);
  }

  /**
   * Forwards only whole frames within the limit. At the first oversized frame the request is drained
   * (not cancelled, which would reset the stream) and the response ends at once with
   * RESOURCE_EXHAUSTED trailers, after the responses already produced.
   */
  private static CompletionStage<HttpResponse> stream(
      Function<HttpRequest, CompletionStage<HttpResponse>> service, HttpRequest request, long limit) throws Exception {
    FrameScanner scanner = new FrameScanner(limit);
    HttpRequest checked = request.withEntity(HttpEntities.createChunked(
        request.entity().getContentType(), request.entity().getDataBytes().map(scanner::check)));
    return service.apply(checked).thenApply(response -> {
      if (!(response.entity() instanceof HttpEntity.Chunked chunked)) return response;
      Source<HttpEntity.ChunkStreamPart, ?> refusal = Source.completionStage(scanner.refused)
          .map(message -> HttpEntity.ChunkStreamPart.createLast("", statusTrailers(Status.RESOURCE_EXHAUSTED, message)));
      Source<org.apache.pekko.http.scaladsl.model.HttpEntity.ChunkStreamPart, Object> parts = chunked.getChunks()
          .merge(refusal, true)
          .takeWhile(part -> !part.isLastChunk(), true)
          .map(part -> (org.apache.pekko.http.scaladsl.model.HttpEntity.ChunkStreamPart) part);
      return response.withEntity(new org.apache.pekko.http.scaladsl.model.HttpEntity.Chunked(
          (org.apache.pekko.http.scaladsl.model.ContentType) chunked.getContentType(), parts.asScala()));
    });
  }

  private static List<HttpHeader> statusTrailers(Status status, String message) {
    return List.of(
        RawHeader.create("grpc-status", Integer.toString(status.getCode().value())),
        RawHeader.create("grpc-message", percentEncode(message == null ? "" : message)));
  }

  private static CompletionStage<HttpResponse> unary(
      Function<HttpRequest, CompletionStage<HttpResponse>> service, HttpRequest request, long limit,
      ClassicActorSystemProvider system) {
    CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    Accumulator acc = new Accumulator();
    request.entity().getDataBytes().runForeach(chunk -> {
      acc.seen += chunk.size();
      if (response.isDone()) return; // already refused: discard the rest
      if (acc.seen > limit) response.complete(trailersOnly(Status.RESOURCE_EXHAUSTED, tooLarge(acc.seen, limit)));
      else acc.bytes.append(chunk);
    }, system).whenComplete((done, failure) -> {
      if (response.isDone()) return;
      if (failure != null) {
        response.complete(trailersOnly(ErrorMapping.toGrpc(failure).getStatus(), failure.getMessage()));
        return;
      }
      HttpRequest strict = request.withEntity(HttpEntities.create(request.entity().getContentType(), acc.bytes.result()));
      try {
        service.apply(strict).whenComplete((r, t) -> {
          if (t != null) response.completeExceptionally(t);
          else response.complete(r);
        });
      } catch (Exception e) {
        response.completeExceptionally(e);
      }
    });
    return response;
  }

  private static String tooLarge(long seen, long limit) {
    return "request message of at least " + seen + " bytes exceeds the limit of " + limit + " bytes";
  }

  /** A gRPC "trailers-only" response: the status travels in the response headers, no body. */
  static HttpResponse trailersOnly(Status status, String message) {
    return HttpResponse.create()
        .addHeaders(statusTrailers(status, message))
        .withEntity(HttpEntities.create(ContentTypes.parse("application/grpc"), ByteString.emptyByteString()));
  }

  /** grpc-message is percent-encoded UTF-8 (PROTOCOL-HTTP2.md). */
  private static String percentEncode(String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      if (b >= 0x20 && b < 0x7F && b != '%') out.write(b);
      else out.writeBytes(String.format("%%%02X", b & 0xFF).getBytes(StandardCharsets.US_ASCII));
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  private static final class Accumulator {
    final ByteStringBuilder bytes = ByteString.createBuilder();
    long seen;
  }

  /**
   * Follows gRPC's length-prefixed framing (1 flag byte, 4-byte big-endian length) across chunks and
   * passes on only frames whose declared length is within the limit; after an oversized one, nothing.
   */
  private static final class FrameScanner {
    final CompletableFuture<String> refused = new CompletableFuture<>();
    private final long limit;
    private final byte[] header = new byte[5];
    private int headerFill;
    private long bodyLeft;

    FrameScanner(long limit) {
      this.limit = limit;
    }

    ByteString check(ByteString chunk) {
      if (refused.isDone()) return ByteString.emptyByteString();
      ByteStringBuilder out = ByteString.createBuilder();
      int i = 0;
      int n = chunk.size();
      while (i < n) {
        if (bodyLeft > 0) {
          int take = (int) Math.min(bodyLeft, n - i);
          out.append(chunk.slice(i, i + take));
          bodyLeft -= take;
          i += take;
          continue;
        }
        header[headerFill++] = chunk.apply(i++);
        if (headerFill < 5) continue;
        headerFill = 0;
        bodyLeft = ((header[1] & 0xFFL) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
        if (bodyLeft > limit) {
          refused.complete("request message of " + bodyLeft + " bytes exceeds the limit of " + limit + " bytes");
          return out.result();
        }
        out.putBytes(header);
      }
      return out.result();
    }
  }
}

package io.inferencia.edge.grpc;

import io.grpc.Status;
import io.inferencia.edge.BodyReader;
import io.inferencia.edge.errors.ErrorMapping;
import io.inferencia.protocols.inference.InferenceException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Enforces {@code edge.max-request-bytes} per gRPC request message, answering RESOURCE_EXHAUSTED as
 * grpc-java's max inbound message size does (Pekko gRPC 1.1 has no such setting). The limit holds for
 * a message both as sent and decompressed: gzip and deflate messages are inflated here, within the
 * limit ({@link MessageInflater}), and passed on uncompressed.
 *
 * <p>Why not {@code entity.withSizeLimit}: a failing request entity makes Pekko's HTTP/2 layer reset
 * the stream (RST_STREAM CANCEL) before any response, so the client sees CANCELLED instead of a
 * status. Unary calls are therefore read here first with {@link BodyReader}, which drains an
 * oversized message before the error is answered. Streaming calls must not be
 * buffered, so their gRPC frames are scanned instead, see {@link #stream}.
 */
public final class GrpcRequestLimit {
  private GrpcRequestLimit() {}

  public static Function<HttpRequest, CompletionStage<HttpResponse>> wrap(
      Function<HttpRequest, CompletionStage<HttpResponse>> service, long limit, ClassicActorSystemProvider system) {
    return request -> request.getUri().path().endsWith("/ModelStreamInfer")
        ? stream(service, request, limit, system)
        : unary(service, request, limit, system);
  }

  /**
   * Forwards only whole frames within the limit. At the first oversized frame the service's input ends
   * (so it still answers the requests before it) while the rest of the client's data is drained, not
   * cancelled, since cancelling would reset the stream; the call's final trailers then carry
   * RESOURCE_EXHAUSTED instead of OK.
   */
  private static CompletionStage<HttpResponse> stream(
      Function<HttpRequest, CompletionStage<HttpResponse>> service, HttpRequest request, long limit,
      ClassicActorSystemProvider system) throws Exception {
    FrameScanner scanner = new FrameScanner(limit, request.getHeader("grpc-encoding").map(h -> h.value()));
    Pair<SourceQueueWithComplete<ByteString>, Source<ByteString, NotUsed>> input =
        Source.<ByteString>queue(16, OverflowStrategy.backpressure()).preMaterialize(system);
    SourceQueueWithComplete<ByteString> queue = input.first();
    request.entity().getDataBytes()
        .mapAsync(1, chunk -> {
          boolean wasRefused = scanner.refused.isDone();
          ByteString accepted = scanner.check(chunk);
          if (wasRefused) return CompletableFuture.completedFuture(Done.getInstance()); // draining
          return queue.offer(accepted).thenApply(result -> {
            if (scanner.refused.isDone()) queue.complete();
            return Done.getInstance();
          });
        })
        .runWith(Sink.ignore(), system)
        .whenComplete((done, failure) -> {
          if (failure != null) queue.fail(failure);
          // Failing the input (rather than letting Pekko's decoder find the cut) answers INVALID_ARGUMENT
          // without a stack trace in the log.
          else if (scanner.insideMessage()) queue.fail(InferenceException.invalid("the stream ended inside a request message"));
          else queue.complete();
        });
    HttpRequest checked = inflated(request, scanner.encoding)
        .withEntity(HttpEntities.createChunked(request.entity().getContentType(), input.second()));
    return service.apply(checked).thenApply(response -> {
      if (!(response.entity() instanceof HttpEntity.Chunked chunked)) return response;
      return response.withEntity(ChunkedParts.replace(chunked, chunked.getChunks()
          .map(part -> part.isLastChunk() && scanner.refused.isDone()
              ? HttpEntity.ChunkStreamPart.createLast("", GrpcStatusResponses.statusHeaders(scanner.refused.join(), scanner.refused.join().getDescription()))
              : part)));
    });
  }

  private static CompletionStage<HttpResponse> unary(
      Function<HttpRequest, CompletionStage<HttpResponse>> service, HttpRequest request, long limit,
      ClassicActorSystemProvider system) {
    Optional<String> encoding = request.getHeader("grpc-encoding").map(h -> h.value());
    return BodyReader.read(request.entity(), limit, Materializer.matFromSystem(system))
        .thenCompose(received -> {
          try {
            ByteString bytes = MessageInflater.uncompressedFrame(received, encoding, limit);
            if (isGrpc(request)) GrpcFrames.checkUnary(bytes, encoding);
            return service.apply(inflated(request, encoding)
                .withEntity(HttpEntities.create(request.entity().getContentType(), bytes)));
          } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
          }
        })
        .exceptionally(failure -> {
          GrpcServiceException e = ErrorMapping.toGrpc(failure);
          GrpcClientErrorLog.refused(request.getUri().path(), e.getStatus());
          return GrpcStatusResponses.trailersOnly(e.getStatus(), e.getStatus().getDescription());
        });
  }

  /**
   * The request as passed on: messages in an encoding decoded here leave uncompressed, so the encoding
   * is no longer announced (Pekko gRPC knows gzip but would refuse deflate as UNIMPLEMENTED).
   */
  private static HttpRequest inflated(HttpRequest request, Optional<String> encoding) {
    return MessageInflater.decodes(encoding) ? request.removeHeader("grpc-encoding") : request;
  }

  /** Native gRPC (not gRPC-Web, whose text variant is base64). */
  static boolean isGrpc(HttpRequest request) {
    var media = request.entity().getContentType().mediaType();
    return media.mainType().equals("application")
        && (media.subType().equals("grpc") || media.subType().equals("grpc+proto"));
  }

  /**
   * Follows gRPC's length-prefixed framing (1 flag byte, 4-byte big-endian length) across chunks and
   * passes on only frames whose declared length is within the limit; after an oversized one, nothing.
   * A compressed frame in an encoding {@link MessageInflater} decodes is collected, inflated within the
   * limit and passed on uncompressed (flag 0), so Pekko gRPC's unbounded codec never sees it.
   */
  private static final class FrameScanner {
    final CompletableFuture<Status> refused = new CompletableFuture<>();
    private final long limit;
    final Optional<String> encoding;
    private final byte[] header = new byte[GrpcFrames.HEADER];
    private int headerFill;
    private long bodyLeft;
    private ByteStringBuilder compressed;

    FrameScanner(long limit, Optional<String> encoding) {
      this.limit = limit;
      this.encoding = encoding;
    }

    boolean insideMessage() {
      return !refused.isDone() && (headerFill > 0 || bodyLeft > 0);
    }

    ByteString check(ByteString chunk) {
      if (refused.isDone()) return ByteString.emptyByteString();
      ByteStringBuilder out = ByteString.createBuilder();
      int i = 0;
      int n = chunk.size();
      while (i < n) {
        if (bodyLeft > 0) {
          int take = (int) Math.min(bodyLeft, n - i);
          if (compressed != null) compressed.append(chunk.slice(i, i + take));
          else out.append(chunk.slice(i, i + take));
          bodyLeft -= take;
          i += take;
          if (bodyLeft == 0 && compressed != null && !inflateInto(out)) return out.result();
          continue;
        }
        header[headerFill++] = chunk.apply(i++);
        if (headerFill < GrpcFrames.HEADER) continue;
        headerFill = 0;
        bodyLeft = GrpcFrames.declaredLength(header);
        if (bodyLeft > limit) {
          refused.complete(Status.RESOURCE_EXHAUSTED.withDescription(
              "request message of " + bodyLeft + " bytes exceeds the limit of " + limit + " bytes"));
          return out.result();
        }
        if (header[0] == 1 && MessageInflater.decodes(encoding)) {
          compressed = ByteString.createBuilder();
          if (bodyLeft == 0 && !inflateInto(out)) return out.result();
        } else {
          out.putBytes(header);
        }
      }
      return out.result();
    }

    /** Appends the collected frame inflated, or refuses the stream and answers false. */
    private boolean inflateInto(ByteStringBuilder out) {
      byte[] data = compressed.result().toArrayUnsafe();
      compressed = null;
      ByteString message;
      try {
        message = MessageInflater.inflate(encoding.orElseThrow(), data, 0, data.length, limit);
      } catch (InferenceException e) {
        refused.complete(ErrorMapping.grpcStatus(e.kind()).withDescription(e.getMessage()));
        return false;
      }
      int size = message.size();
      byte[] frameHeader = new byte[GrpcFrames.HEADER];
      GrpcFrames.writeHeader(frameHeader, size);
      out.putBytes(frameHeader);
      out.append(message);
      return true;
    }
  }
}

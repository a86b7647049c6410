package io.inferencia.edge.grpc;

import io.inferencia.protocols.tracing.Tracing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.inferencia.edge.BodyReader;
import io.inferencia.edge.errors.ErrorMapping;
import io.inferencia.protocols.grpc.GRPCInferenceService;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Trailer;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;

/**
 * Unary ModelInfer, the hot call, without Pekko gRPC's per-call streams. Pekko gRPC 1.1 materializes
 * one stream to decode every unary request and another to write its answer (an actor each), and
 * copies the message three times on the way in. Here the body is read once (a gzip or deflate message
 * inflated within the request limit), the request is parsed in place (raw_input_contents alias the
 * body), and the answer leaves as one strict entity carrying grpc-status in its trailer. Anything else
 * (other methods or encodings, malformed messages, gRPC-Web) goes to the generated handler, so
 * behaviour there is unchanged.
 */
public final class UnaryInferHandler {
  static final String PATH = "/" + GRPCInferenceService.name + "/ModelInfer";
  private static final int FRAME_HEADER = GrpcFrames.HEADER;
  private static final Trailer OK = Trailer.create().addHeader(GrpcStatusResponses.statusHeader(Status.OK));

  private UnaryInferHandler() {}

  /**
   * @param generic the generated handler (with its wrappers): everything this one does not take
   * @param limit the request size limit ({@code edge.max-request-bytes})
   */
  public static Function<HttpRequest, CompletionStage<HttpResponse>> wrap(
      Function<HttpRequest, CompletionStage<HttpResponse>> generic, InferenceGrpcService service, long limit,
      Materializer mat) {
    return request -> takes(request) ? infer(request, generic, service, limit, mat) : generic.apply(request);
  }

  private static boolean takes(HttpRequest request) {
    if (!request.method().equals(HttpMethods.POST) || !request.getUri().path().equals(PATH)) return false;
    var media = request.entity().getContentType().mediaType();
    return media.mainType().equals("application")
        && (media.subType().equals("grpc") || media.subType().equals("grpc+proto"));
  }

  private static CompletionStage<HttpResponse> infer(HttpRequest request,
      Function<HttpRequest, CompletionStage<HttpResponse>> generic, InferenceGrpcService service, long limit,
      Materializer mat) {
    Optional<String> encoding = request.getHeader("grpc-encoding").map(HttpHeader::value);
    return BodyReader.read(request.entity(), limit, mat)
        .thenCompose(received -> {
          ByteString body = MessageInflater.uncompressedFrame(received, encoding, limit);
          Optional<ModelInferRequest> parsed = parse(body);
          if (parsed.isPresent())
            return service.modelInfer(parsed.get(), GrpcTimeout.micros(request),
                request.getHeader("authorization").map(HttpHeader::value), request.getHeader("x-api-key").map(HttpHeader::value),
                request.getHeader(Tracing.TRACEPARENT).map(HttpHeader::value)).handle(UnaryInferHandler::answer);
          try {
            return generic.apply(request.withEntity(HttpEntities.create(request.entity().getContentType(), body)));
          } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
          }
        })
        .exceptionally(UnaryInferHandler::failed);
  }

  /** One whole uncompressed message, or empty for the generated handler to deal with. */
  static Optional<ModelInferRequest> parse(ByteString body) {
    if (!GrpcFrames.isOneFrame(body) || body.apply(0) != 0) return Optional.empty();
    // No copy when the body is one array. The request's byte fields share it: protobuf aliases only
    // input it knows to be immutable, which a wrapped ByteString's own decoder is (ours is never written to).
    CodedInputStream in = UnsafeByteOperations.unsafeWrap(body.toArrayUnsafe(), FRAME_HEADER, body.size() - FRAME_HEADER)
        .newCodedInput();
    in.enableAliasing(true);
    try {
      return Optional.of(ModelInferRequest.parseFrom(in));
    } catch (IOException e) { // InvalidProtocolBufferException: not a ModelInferRequest
      return Optional.empty();
    }
  }

  private static HttpResponse answer(ModelInferResponse response, Throwable failure) {
    if (failure != null) return failed(failure);
    int size = response.getSerializedSize();
    byte[] frame = new byte[FRAME_HEADER + size];
    GrpcFrames.writeHeader(frame, size);
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(frame, FRAME_HEADER, size);
      response.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HttpResponse.create()
        .withEntity(HttpEntities.create(GrpcStatusResponses.GRPC, ByteString.fromArrayUnsafe(frame)))
        .addAttribute(AttributeKeys.trailer, OK);
  }

  private static HttpResponse failed(Throwable failure) {
    GrpcServiceException e = ErrorMapping.toGrpc(failure);
    return GrpcStatusResponses.trailersOnly(e.getStatus(), e.getStatus().getDescription());
  }
}

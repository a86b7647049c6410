package io.inferencia.edge.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * gRPC calls written by hand over a real HTTP/2 connection, for what stock clients cannot send on
 * purpose: chosen frame flags, compressed or malformed messages, several messages in one body.
 */
public final class RawGrpc {
  private RawGrpc() {}

  /** The answer's data and the headers of its trailer (an HTTP/2 client always sees a chunked entity). */
  public record Answer(ByteString data, List<HttpHeader> trailers) {
    public String trailer(String name) {
      return trailers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(HttpHeader::value).findFirst()
          .orElseThrow(() -> new AssertionError("no " + name + " in the trailer " + trailers));
    }
  }

  public static HttpResponse post(EdgeFixture edge, String path, byte[] body, Optional<String> encoding,
      List<HttpHeader> extra) throws Exception {
    int port = edge.bindings.grpc().localAddress().getPort();
    HttpRequest request = HttpRequest.create()
        .withMethod(HttpMethods.POST)
        .withUri("http://" + edge.settings.host() + ":" + port + path)
        .addHeader(RawHeader.create("te", "trailers"))
        .withEntity(HttpEntities.create(ContentTypes.parse("application/grpc"), body));
    if (encoding.isPresent()) request = request.addHeader(RawHeader.create("grpc-encoding", encoding.get()));
    for (HttpHeader h : extra) request = request.addHeader(h);
    var connection = Http.get(edge.testKit.system()).connectionTo(edge.settings.host()).toPort(port)
        .http2WithPriorKnowledge();
    return Source.single(request).via(connection).runWith(Sink.head(), edge.testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public static Answer read(EdgeFixture edge, HttpResponse response) throws Exception {
    if (!(response.entity() instanceof HttpEntity.Chunked chunked))
      return new Answer(response.entity().toStrict(10_000, edge.testKit.system()).toCompletableFuture()
          .get(10, TimeUnit.SECONDS).getData(), List.of());
    List<HttpEntity.ChunkStreamPart> parts = chunked.getChunks().runWith(Sink.seq(), edge.testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    ByteString data = ByteString.emptyByteString();
    List<HttpHeader> trailers = new ArrayList<>();
    for (HttpEntity.ChunkStreamPart p : parts) {
      data = data.concat(p.data());
      if (p.isLastChunk()) p.getTrailerHeaders().forEach(trailers::add);
    }
    return new Answer(data, trailers);
  }

  /** One length-prefixed message: the compressed flag (0 or 1), 4 bytes of length, the bytes. */
  public static byte[] frame(int flag, byte[] message) {
    return ByteBuffer.allocate(5 + message.length).put((byte) flag).putInt(message.length).put(message).array();
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(data, out, true);
    return out.toByteArray();
  }

  /** gRPC's "deflate": zlib-wrapped deflate. */
  public static byte[] deflate(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(data, out, false);
    return out.toByteArray();
  }

  private static void write(byte[] data, ByteArrayOutputStream sink, boolean gzip) {
    try (OutputStream z = gzip ? new GZIPOutputStream(sink) : new DeflaterOutputStream(sink)) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

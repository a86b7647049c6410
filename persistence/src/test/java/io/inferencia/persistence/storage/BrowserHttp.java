package io.inferencia.persistence.storage;

import io.inferencia.protocols.storage.PresignedUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What a browser or any plain HTTP client does with a pre-signed URL: no AWS SDK, no credentials. The JDK client
 * sets Content-Length from the body, as a browser does, so a wrong length means a body of another size.
 */
final class BrowserHttp {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private BrowserHttp() {}

  /** PUTs {@code body} with the URL's signed headers, Content-Length aside (the client derives it). */
  static HttpResponse<String> put(PresignedUrl url, byte[] body) {
    return put(url.url(), withoutLength(url.signedHeaders()), BodyPublishers.ofByteArray(body));
  }

  /** PUTs {@code length} bytes streamed from {@code body}, never held whole in memory. */
  static HttpResponse<String> put(PresignedUrl url, Supplier<InputStream> body, long length) {
    return put(url.url(), withoutLength(url.signedHeaders()),
        BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(body), length));
  }

  static HttpResponse<String> put(String url, Map<String, String> headers, BodyPublisher body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).PUT(body);
    headers.forEach(request::header);
    return send(request.build(), BodyHandlers.ofString());
  }

  static HttpResponse<byte[]> get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET().build(), BodyHandlers.ofByteArray());
  }

  static HttpResponse<String> request(String method, String url, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method, BodyPublishers.noBody());
    headers.forEach(request::header);
    return send(request.build(), BodyHandlers.ofString());
  }

  private static Map<String, String> withoutLength(Map<String, String> headers) {
    return headers.entrySet().stream()
        .filter(e -> !e.getKey().equalsIgnoreCase("Content-Length"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return HTTP.send(request, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

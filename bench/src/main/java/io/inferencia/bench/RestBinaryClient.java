package io.inferencia.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;

/** KServe v2 REST with Triton's binary tensor extension: JSON header, then raw input bytes. */
final class RestBinaryClient {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI uri;
  private final byte[] body;
  private final int headerLength;

  RestBinaryClient(int port, String model, String input, String output, long[] shape, byte[] raw) {
    this.uri = URI.create("http://127.0.0.1:" + port + "/v2/models/" + model + "/infer");
    String header = "{\"inputs\":[{\"name\":\"" + input + "\",\"shape\":" + Arrays.toString(shape)
        + ",\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":" + raw.length + "}}],"
        + "\"outputs\":[{\"name\":\"" + output + "\",\"parameters\":{\"binary_data\":true}}]}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    this.headerLength = h.length;
    this.body = new byte[h.length + raw.length];
    System.arraycopy(h, 0, body, 0, h.length);
    System.arraycopy(raw, 0, body, h.length, raw.length);
  }

  /** The request body: the JSON header, then the raw input bytes. */
  byte[] body() {
    return body;
  }

  int headerLength() {
    return headerLength;
  }

  CompletionStage<byte[]> infer() {
    HttpRequest req = HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/octet-stream")
        .header("Inference-Header-Content-Length", Integer.toString(headerLength))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
      if (r.statusCode() != 200)
        throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
      return r.body();
    });
  }
}

package io.inferencia.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Triton's repository extension, used to apply a rewritten config.pbtxt to a running node. */
final class RepositoryControl {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RepositoryControl() {}

  /** Loads (reloads) the model and returns once the node answers that it is ready. */
  static void reload(int httpPort, String model) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + httpPort + "/v2/repository/models/" + model + "/load"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("reloading " + model + ": HTTP " + r.statusCode() + " " + r.body());
    HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/v2/models/" + model + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
    if (ready.statusCode() != 200) throw new IllegalStateException(model + " is not ready after reloading: " + ready.body());
  }
}

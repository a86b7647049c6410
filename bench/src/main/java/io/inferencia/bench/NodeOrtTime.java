package io.inferencia.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * How long the node's sessions took per item, read from Triton's statistics extension around a window.
 * Set beside the raw figure it separates the two halves of a served/raw gap: time ONNX Runtime itself
 * lost in the node (cores shared with the edge, the client and the JIT) and time the sessions sat idle.
 */
final class NodeOrtTime {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Cumulative counters of the model's loaded version. */
  record Counters(long items, long executions, long inferNanos) {
    /** What happened between {@code before} and this reading. */
    Window since(Counters before) {
      return new Window(items - before.items, executions - before.executions, inferNanos - before.inferNanos);
    }
  }

  /** Items and batches run in a window, and the session time they took (wall time of session.run). */
  record Window(long items, long executions, long inferNanos) {
    double msPerItem() {
      return items == 0 ? Double.NaN : inferNanos / 1e6 / items;
    }

    double meanBatch() {
      return executions == 0 ? Double.NaN : (double) items / executions;
    }
  }

  private NodeOrtTime() {}

  static Counters read(int httpPort, String model) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/v2/models/" + model + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("statistics of " + model + ": HTTP " + r.statusCode() + " " + r.body());
    JsonNode stats = JSON.readTree(r.body()).path("model_stats").path(0);
    // inference_stats charge every request its whole batch's time, as Triton does; batch_stats hold
    // one entry per execution, so their sum is the sessions' own time.
    long inferNanos = 0;
    for (JsonNode b : stats.path("batch_stats")) inferNanos += b.path("compute_infer").path("ns").asLong();
    return new Counters(stats.path("inference_count").asLong(), stats.path("execution_count").asLong(), inferNanos);
  }
}

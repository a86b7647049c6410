package io.inferencia.node.testkit;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.edge.testkit.RestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the multi-node tests read off a cluster: the admin API's placement and nodes, and metrics. */
public final class AdminViews {
  private AdminViews() {}

  /** The nodes where the model has a READY replica, as an edge's {@code GET /v1/admin/placement} lists them. */
  public static List<String> readyOn(RestClient edge, String model) {
    List<String> nodes = new ArrayList<>();
    for (JsonNode r : edge.get("/v1/admin/placement?model=" + model).json().get("replicas"))
      if (r.get("state").asText().equals("READY")) nodes.add(r.get("node").asText());
    return nodes;
  }

  /** The replica entity that owns each READY copy of the model, by node (nodes whose copy no entity owns yet left out). */
  public static java.util.Map<String, String> ownersOf(RestClient edge, String model) {
    java.util.Map<String, String> owners = new java.util.TreeMap<>();
    for (JsonNode r : edge.get("/v1/admin/placement?model=" + model).json().get("replicas"))
      if (r.get("state").asText().equals("READY") && !r.get("replica").asText().isEmpty())
        owners.put(r.get("node").asText(), r.get("replica").asText());
    return owners;
  }

  /** The shards of {@code region} that a node hosts, as its management's {@code /cluster/shards/{region}} lists them. */
  public static List<String> shardsOn(NodeProcess node, String region) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.managementPort + "/cluster/shards/" + region)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    List<String> shards = new ArrayList<>();
    for (JsonNode r : new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("regions"))
      shards.add(r.get("shardId").asText());
    return shards;
  }

  /** The nodes the version has been placed on: loading there, or READY. */
  public static List<String> placedOn(RestClient edge, String model) {
    List<String> nodes = new ArrayList<>();
    for (JsonNode r : edge.get("/v1/admin/placement?model=" + model).json().get("replicas")) {
      String state = r.get("state").asText();
      if (!state.equals("UNAVAILABLE") && !state.equals("UNLOADING")) nodes.add(r.get("node").asText());
    }
    return nodes;
  }

  /** Waits until the edge's {@code GET /v1/admin/nodes} lists {@code n} gpu nodes. */
  public static void awaitGpuNodes(RestClient edge, int n) {
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> edge.get("/v1/admin/nodes").json().get("nodes").size() == n);
  }

  /** The value of the metric's first series in Prometheus text, 0 when it is not there yet. */
  public static long metric(String prometheusText, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(prometheusText);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  /** The sum of every series of the metric in Prometheus text. */
  public static double metricSum(String prometheusText, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(prometheusText);
    double sum = 0;
    while (m.find()) sum += Double.parseDouble(m.group(1));
    return sum;
  }

  /** A node's metrics as its management port serves them (every node has one, whatever its roles). */
  public static String managementMetrics(NodeProcess node) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.managementPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}

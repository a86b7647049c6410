package io.inferencia.node.conformance;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.inferencia.edge.EdgeServer;
import io.inferencia.edge.EdgeSettings;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.pipeline.ocr.OcrPipelineFactory;
import io.inferencia.gpu.pipeline.vad.VadPipelineFactory;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * The node as the conformance tests see it: a local actor system running the real {@link InferenceCore}
 * (with the OCR and VAD pipelines) over a model repository, and the real REST and gRPC edge bound on
 * free ports, with a REST client and a gRPC client pointed at them.
 */
final class RealModelServer implements AutoCloseable {
  static final List<String> SHIPPED = List.of("ocr_det", "ocr_rec", "ocr_cls", "vad", "ocr", "vad_segments", "vad_stream",
      "stego_encode", "stego_decode");
  private static final Duration LOAD_DEADLINE = Duration.ofSeconds(120);

  final ActorTestKit testKit;
  final RestClient rest;
  final GRPCInferenceServiceClient grpc;
  final int httpPort;
  final int grpcPort;

  private RealModelServer(ActorTestKit testKit, RestClient rest, GRPCInferenceServiceClient grpc, int httpPort, int grpcPort) {
    this.testKit = testKit;
    this.rest = rest;
    this.grpc = grpc;
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
  }

  /** The conformance config (src/test/resources/conformance.conf) serving {@code repository}. */
  static Config config(Path repository, Config overrides) {
    return overrides.withFallback(ConfigFactory.parseResources("conformance.conf"))
        .withValue("inference.model-repository", ConfigValueFactory.fromAnyRef(repository.toString()))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** Starts core and edge on {@code repository} and waits until each model has settled in its expected state. */
  static RealModelServer start(Path repository, Map<String, String> expectedStates, Config overrides) throws Exception {
    Config config = config(repository, overrides);
    ActorTestKit testKit = ActorTestKit.create("conformance", config);
    try {
      InferenceCore core = InferenceCore.start(testKit.system(), config,
          List.of(new OcrPipelineFactory(), new VadPipelineFactory()));
      EdgeSettings settings = EdgeSettings.fromConfig(config);
      EdgeServer.Bindings bindings = EdgeServer.bind(testKit.system(), core.gateway(), settings)
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      int httpPort = bindings.rest().localAddress().getPort();
      int grpcPort = bindings.grpc().localAddress().getPort();
      GRPCInferenceServiceClient grpc = GRPCInferenceServiceClient.create(
          GrpcClientSettings.connectToServiceAt(settings.host(), grpcPort, testKit.system()).withTls(false),
          testKit.system());
      RealModelServer server = new RealModelServer(testKit, new RestClient(settings.host(), httpPort), grpc, httpPort, grpcPort);
      server.awaitStates(expectedStates);
      return server;
    } catch (Exception | Error e) {
      testKit.shutdownTestKit();
      throw e;
    }
  }

  /** The shipped repository with every model READY. */
  static RealModelServer startShipped() throws Exception {
    Map<String, String> ready = new TreeMap<>();
    for (String m : SHIPPED) ready.put(m, "READY");
    return start(io.inferencia.gpu.testkit.TestModels.repository(), ready, ConfigFactory.empty());
  }

  /** Model name to state, as the REST repository index reports them. */
  Map<String, String> states() {
    RestClient.Response r = rest.post("/v2/repository/index", "{}");
    if (r.status() != 200) throw new AssertionError("index answered " + r.status() + ": " + new String(r.body()));
    Map<String, String> states = new TreeMap<>();
    for (JsonNode m : r.json()) states.put(m.path("name").asText(), m.path("state").asText());
    return states;
  }

  /** Polls the index until every named model reports its expected state (loading takes a while). */
  void awaitStates(Map<String, String> expected) {
    await().atMost(LOAD_DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      Map<String, String> states = states();
      assertTrue(states.entrySet().containsAll(expected.entrySet()),
          "models did not reach " + expected + " in " + LOAD_DEADLINE + "; index: " + states);
    });
  }

  @Override
  public void close() throws Exception {
    try {
      grpc.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      testKit.shutdownTestKit();
    }
  }
}

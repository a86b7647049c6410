package io.inferencia.edge.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.EdgeServer;
import io.inferencia.edge.EdgeSettings;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import io.inferencia.protocols.inference.InferenceGateway;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A running edge on free ports (REST and gRPC) in front of a gateway, with a REST client and a gRPC
 * client pointed at it. Tests against the real core can start it with the real gateway.
 */
public final class EdgeFixture implements AutoCloseable {
  public final ActorTestKit testKit;
  public final EdgeSettings settings;
  public final EdgeServer.Bindings bindings;
  public final RestClient rest;
  public final GRPCInferenceServiceClient grpc;

  private EdgeFixture(ActorTestKit testKit, EdgeSettings settings, EdgeServer.Bindings bindings) {
    this.testKit = testKit;
    this.settings = settings;
    this.bindings = bindings;
    String host = settings.host();
    this.rest = new RestClient(host, bindings.rest().localAddress().getPort());
    this.grpc = GRPCInferenceServiceClient.create(
        GrpcClientSettings.connectToServiceAt(host, bindings.grpc().localAddress().getPort(), testKit.system())
            .withTls(false),
        testKit.system());
  }

  /** Binds both servers on free ports of the configured host ({@code edge.host}). */
  public static EdgeFixture start(InferenceGateway gateway) throws Exception {
    return start(gateway, ConfigFactory.empty());
  }

  /** As {@link #start(InferenceGateway)} with config overrides (e.g. a short {@code edge.ask-timeout}). */
  public static EdgeFixture start(InferenceGateway gateway, Config overrides) throws Exception {
    return start(gateway, overrides, new Route[0]);
  }

  /** As {@link #start(InferenceGateway, Config)}, serving {@code moreRoutes} (e.g. {@code /metrics}) on the REST port too. */
  public static EdgeFixture start(InferenceGateway gateway, Config overrides, Route... moreRoutes) throws Exception {
    // application.conf (not the testkit's application-test.conf) carries the edge test settings.
    ActorTestKit testKit = ActorTestKit.create("edge", overrides.withFallback(ConfigFactory.load()));
    EdgeSettings settings = EdgeSettings.fromConfig(testKit.system().settings().config()).withPorts(0, 0);
    EdgeServer.Bindings bindings =
        EdgeServer.bind(testKit.system(), gateway, settings, moreRoutes).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new EdgeFixture(testKit, settings, bindings);
  }

  @Override
  public void close() throws Exception {
    grpc.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }
}

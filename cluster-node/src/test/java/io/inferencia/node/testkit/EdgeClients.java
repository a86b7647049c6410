package io.inferencia.node.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.discovery.Discovery;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * A gRPC client spread over several edge nodes, as a client reaches a Kubernetes edge deployment
 * through a headless service: grpc-java's round_robin over every edge it can connect to. An edge that
 * drains sends GOAWAY; calls it did not take are re-sent by the client library to another edge, calls
 * it took are answered before it stops.
 */
public final class EdgeClients {
  private static final String SERVICE = "edges";

  private EdgeClients() {}

  /** Client-side config naming the edges' gRPC ports on loopback, for a local client system. */
  public static Config config(List<Integer> grpcPorts) {
    String endpoints = grpcPorts.stream().map(p -> "{host = \"127.0.0.1\", port = " + p + "}")
        .collect(Collectors.joining(", "));
    return ConfigFactory.parseString("pekko.discovery.config.services." + SERVICE + ".endpoints = [" + endpoints + "]")
        .withFallback(LocalClient.config());
  }

  /** A round_robin client over the edges named in the system's config (see {@link #config}). */
  public static GRPCInferenceServiceClient roundRobin(ActorSystem<?> system, Duration deadline) {
    GrpcClientSettings settings = GrpcClientSettings
        .usingServiceDiscovery(SERVICE, Discovery.get(system).loadServiceDiscovery("config"), system)
        .withTls(false)
        .withLoadBalancingPolicy("round_robin")
        .withDeadline(deadline);
    return GRPCInferenceServiceClient.create(settings, system);
  }
}

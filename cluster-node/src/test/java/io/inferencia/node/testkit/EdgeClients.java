package io.inferencia.node.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.discovery.Discovery;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * A gRPC client spread over several edge nodes, as a client reaches a Kubernetes edge deployment
 * through a headless service: grpc-java's round_robin over every edge it can connect to. An edge that
 * drains sends GOAWAY; calls it did not take are re-sent by the client library to another edge, calls
 * it took are answered before it stops.
 *
 * <p>The client also carries the retry policy a production client of an idempotent inference API
 * configures: UNAVAILABLE is retried (3 attempts in all, 100 ms backoff). RollingRestartIT needs it for
 * one rare case: Pekko HTTP 1.1's HTTP/2 graceful close cut a stream below the GOAWAY's last stream id
 * (grpc-java: "Connection closed after GOAWAY ... Voluntary connection close"), once in about 5,000
 * calls in one run of several.
 */
public final class EdgeClients {
  private static final String SERVICE = "edges";

  private EdgeClients() {}

  private static final java.util.concurrent.atomic.AtomicLong RETRIES = new java.util.concurrent.atomic.AtomicLong();

  /** Counts the attempts after a call's first (one stream tracer per attempt), so a test can report them. */
  private static final io.grpc.ClientInterceptor COUNT_RETRIES = new io.grpc.ClientInterceptor() {
    @Override
    public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(io.grpc.MethodDescriptor<Q, R> method,
        io.grpc.CallOptions options, io.grpc.Channel next) {
      return next.newCall(method, options.withStreamTracerFactory(new io.grpc.ClientStreamTracer.Factory() {
        @Override
        public io.grpc.ClientStreamTracer newClientStreamTracer(io.grpc.ClientStreamTracer.StreamInfo info,
            io.grpc.Metadata headers) {
          if (info.getPreviousAttempts() > 0) RETRIES.incrementAndGet();
          return new io.grpc.ClientStreamTracer() {};
        }
      }));
    }
  };

  /** Attempts that retried a call (UNAVAILABLE) since the JVM started, over every client made here. */
  public static long retries() {
    return RETRIES.get();
  }

  /** gRPC service config: retry UNAVAILABLE on every method of the inference service (numbers are doubles). */
  private static final Map<String, Object> RETRY_UNAVAILABLE = Map.of("methodConfig", List.of(Map.of(
      "name", List.of(Map.of("service", "inference.GRPCInferenceService")),
      "retryPolicy", Map.of("maxAttempts", 3.0, "initialBackoff", "0.1s", "maxBackoff", "1s",
          "backoffMultiplier", 2.0, "retryableStatusCodes", List.of("UNAVAILABLE")))));

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
        .withDeadline(deadline)
        .withChannelBuilderOverrides(builder -> builder.defaultServiceConfig(RETRY_UNAVAILABLE).enableRetry()
            .intercept(COUNT_RETRIES));
    return GRPCInferenceServiceClient.create(settings, system);
  }
}

package io.inferencia.node.jobs;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.node.NodeGuardian;
import io.inferencia.node.NodeServices;
import io.inferencia.node.NodeSettings;
import io.inferencia.node.testkit.NodeProcess;
import io.inferencia.persistence.db.DatabaseSettings;
import io.inferencia.persistence.storage.StorageSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A whole node in this JVM, wired exactly as Main wires it (embedded S3, H2 under a temp data dir,
 * cluster of one, every role, the shipped models) on free ports, for tests of the job flow through
 * its real interfaces: REST, SSE, gRPC and the S3 protocol.
 */
public final class InProcessNode implements AutoCloseable {
  public final int httpPort;
  public final int grpcPort;
  public final int s3Port;
  public final Path dataDir;
  public final ActorSystem<Void> system;
  public final NodeServices services;

  private InProcessNode(int httpPort, int grpcPort, int s3Port, Path dataDir, ActorSystem<Void> system, NodeServices services) {
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
    this.s3Port = s3Port;
    this.dataDir = dataDir;
    this.system = system;
    this.services = services;
  }

  /** Starts a node; {@code overrides} (HOCON) go on top, e.g. API keys or a small upload threshold. */
  public static InProcessNode start(String overrides) throws Exception {
    Path dataDir = Files.createTempDirectory("jobs-node");
    Map<String, Object> node = new HashMap<>();
    node.put("edge.host", "127.0.0.1");
    node.put("pekko.remote.artery.bind.hostname", "127.0.0.1");
    node.put("pekko.management.http.bind-hostname", "127.0.0.1");
    node.put("storage.embedded.host", "127.0.0.1");
    node.put("edge.http-port", NodeProcess.freePort());
    node.put("edge.grpc-port", NodeProcess.freePort());
    node.put("pekko.management.http.port", NodeProcess.freePort());
    node.put("pekko.remote.artery.canonical.port", NodeProcess.freePort());
    node.put("storage.embedded.port", NodeProcess.freePort());
    node.put("node.data-dir", dataDir.toString());
    node.put("storage.embedded.data-dir", dataDir.resolve("s3").toString());
    node.put("inference.model-repository", TestModels.repository().toString());
    Config loaded = ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseMap(node))
        .withFallback(ConfigFactory.parseString("""
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            pekko.actor.serialize-messages = on
            pekko.loglevel = WARNING
            inference.cpu-cores = 2
            jobs.sweeper.interval = 1s
            jobs.sweeper.stale-after = 3s
            """))
        .withFallback(ConfigFactory.load());
    NodeSettings settings = NodeSettings.from(loaded);
    Config config = settings.clusterConfig().withFallback(loaded);
    DatabaseSettings db = DatabaseSettings.fromConfig(config.getConfig("persistence.db"), settings.dataDir());
    NodeServices services = NodeServices.open(StorageSettings.fromConfig(config.getConfig("storage")), db, java.time.Duration.ZERO);
    ActorSystem<Void> system = ActorSystem.create(NodeGuardian.create(settings, services), NodeSettings.SYSTEM_NAME,
        db.pekkoConfig(config));
    InProcessNode n = new InProcessNode(config.getInt("edge.http-port"), config.getInt("edge.grpc-port"),
        config.getInt("storage.embedded.port"), dataDir, system, services);
    n.awaitReady(Duration.ofSeconds(120));
    return n;
  }

  public String http() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Ready when the KServe edge says so and every shipped model is READY. */
  private void awaitReady(Duration timeout) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    try {
      await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsInstanceOf(java.io.IOException.class) // edge not bound yet
          // Model readiness is anonymous, so this works with credentials configured too.
          .until(() -> java.util.stream.Stream.of("ocr", "vad", "vad_segments", "ocr_rec").allMatch(m -> {
            try {
              return client.send(HttpRequest.newBuilder(URI.create(http() + "/v2/models/" + m + "/ready")).build(),
                  HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (java.io.IOException | InterruptedException e) {
              return false;
            }
          }));
      // The edge says so too: models load one at a time now, so some may still be loading after these.
      await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
          .until(() -> client.send(HttpRequest.newBuilder(URI.create(http() + "/v2/health/ready")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    } catch (ConditionTimeoutException e) {
      close();
      throw new AssertionError("node not ready within " + timeout);
    }
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}

package io.inferencia.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.RestClient;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;

/**
 * EDGE_UNBIND_DELAY: once coordinated shutdown starts, the edge keeps taking new connections and
 * answering for the delay (the time a load balancer needs to stop routing here), then closes its ports.
 */
class EdgeUnbindDelayTest {
  @Test
  void theEdgeServesNewConnectionsForTheDelayThenUnbinds() throws Exception {
    EdgeFixture edge = EdgeFixture.start(new FakeGateway(), ConfigFactory.parseString("edge.unbind-delay = 1500ms"));
    String host = edge.settings.host();
    int port = edge.bindings.rest().localAddress().getPort();
    long begun = System.nanoTime();
    CompletableFuture<Done> shutdown = CoordinatedShutdown.get(edge.testKit.system())
        .runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture();
    Thread.sleep(500);
    assertEquals(200, new RestClient(host, port).get("/v2/health/live").status(),
        "a new connection during the delay is still served");
    shutdown.get(30, TimeUnit.SECONDS);
    double took = (System.nanoTime() - begun) / 1e9;
    assertTrue(took >= 1.5, "the ports stayed open for the delay: shutdown took " + took + " s");
    assertThrows(IOException.class, () -> new Socket(host, port).close(), "closed once the delay is over");
  }
}

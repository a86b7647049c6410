package io.inferencia.edge.api;

import static io.inferencia.edge.api.AdminEdge.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.inferencia.edge.testkit.EdgeFixture;
import io.inferencia.edge.testkit.FakeGateway;
import io.inferencia.edge.testkit.RestClient;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.InferenceGateway;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gateway failures of the admin calls answer as the KServe routes map them, as problems: UNAVAILABLE
 * 503, DEADLINE_EXCEEDED (or a bare timeout) 504, INTERNAL 500 without the server's internals.
 */
class AdminGatewayErrorsTest {
  private static final Set<String> ADMIN_CALLS = Set.of("placement", "nodes", "scale");
  private static EdgeFixture edge;

  @BeforeAll
  static void start() throws Exception {
    edge = AdminEdge.start(failing(new FakeGateway()), ConfigFactory.empty());
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  void unavailableIs503() {
    RestClient.Response placement = edge.rest.get("/v1/admin/placement");
    assertProblem(placement, 503, "unavailable", "no gpu node is reachable");
    assertEquals("Service unavailable", placement.json().path("title").asText());
    assertProblem(edge.rest.get("/v1/admin/nodes"), 503, "unavailable", "no gpu node is reachable");
    assertProblem(edge.rest.put("/v1/admin/models/unavailable/scaling", "{\"max_replicas\": 2}"), 503, "unavailable",
        "scale of 'unavailable' failed");
  }

  @Test
  void deadlineExceededIs504() {
    RestClient.Response deadline = edge.rest.put("/v1/admin/models/deadline_exceeded/versions/1/scaling", "{\"max_replicas\": 2}");
    assertProblem(deadline, 504, "timeout", "scale of 'deadline_exceeded' failed");
    assertEquals("Gateway timeout", deadline.json().path("title").asText());
    assertProblem(edge.rest.put("/v1/admin/models/timeout/scaling", "{\"max_replicas\": 2}"), 504, "timeout",
        "the inference core did not answer in time");
  }

  @Test
  void internalIs500WithoutInternals() {
    assertProblem(edge.rest.put("/v1/admin/models/internal/scaling", "{\"max_replicas\": 2}"), 500, "internal",
        "scale of 'internal' failed");
  }

  /**
   * {@code fake} whose admin calls fail: placement and nodes UNAVAILABLE, scale with the error class the
   * model is named after ({@code timeout}: a bare TimeoutException); every other call goes to {@code fake}.
   */
  private static InferenceGateway failing(InferenceGateway fake) {
    return (InferenceGateway) Proxy.newProxyInstance(InferenceGateway.class.getClassLoader(),
        new Class<?>[] {InferenceGateway.class}, (proxy, method, args) -> {
          if (method.getName().equals("within")) return proxy;
          if (method.getName().equals("scale")) return CompletableFuture.failedFuture(scaleFailure((String) args[0]));
          if (ADMIN_CALLS.contains(method.getName()))
            return CompletableFuture.failedFuture(InferenceException.unavailable("no gpu node is reachable"));
          try {
            return method.invoke(fake, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static Throwable scaleFailure(String model) {
    if (model.equals("timeout")) return new TimeoutException("ask timed out after [5000 ms]");
    String message = "scale of '" + model + "' failed";
    if (model.equals("internal")) message = "java.lang.IllegalStateException: " + message;
    return new InferenceException(ErrorKind.valueOf(model.toUpperCase(Locale.ROOT)), message);
  }
}

package io.inferencia.gpu.pipeline.ensemble;

import static io.inferencia.gpu.pipeline.ensemble.EnsembleConfigTest.in;
import static io.inferencia.gpu.pipeline.ensemble.EnsembleConfigTest.out;
import static io.inferencia.gpu.pipeline.ensemble.EnsembleConfigTest.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.repository.ModelConfigParser;
import io.inferencia.gpu.testkit.Await;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The dataflow of one ensemble request, against an inferer the test answers by hand. */
class EnsembleModelTest {
  /** a and b read IN side by side; c reads what both produced. */
  private static final String DIAMOND = """
      platform: "ensemble"
      max_batch_size: 0
      input [ { name: "IN" data_type: TYPE_FP32 dims: [ 1 ] } ]
      output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 1 ] } ]
      ensemble_scheduling { step [
      """ + step("c", in("l", "A") + " " + in("r", "B"), out("y", "OUT")) + ",\n"
      + step("a", in("x", "IN"), out("y", "A")) + ",\n"
      + step("b", in("x", "IN"), out("y", "B")) + " ] }\n";

  private final Map<String, InferRequest> received = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<InferResponse>> answers = new ConcurrentHashMap<>();
  private final Inferer inferer = request -> {
    received.put(request.model(), request);
    return answers.computeIfAbsent(request.model(), m -> new CompletableFuture<>());
  };

  @Test
  void independentStepsStartTogetherAndTheJoinWaitsForBoth() throws Exception {
    CompletableFuture<InferResponse> result = diamond().infer(request(0)).toCompletableFuture();
    assertEquals(java.util.Set.of("a", "b"), received.keySet(), "a and b are sent before either answers");
    answer("a", 2f);
    assertFalse(received.containsKey("c"), "c waits for b as well");
    answer("b", 3f);
    InferRequest c = received.get("c");
    assertEquals(List.of("l", "r"), c.inputs().stream().map(Tensor::name).sorted().toList());
    assertEquals(2f, c.inputs().stream().filter(t -> t.name().equals("l")).findFirst().orElseThrow().asFloats()[0]);
    assertEquals(List.of("y"), c.requestedOutputs());
    answer("c", 5f);
    InferResponse r = result.get();
    assertEquals(List.of("OUT"), r.outputs().stream().map(Tensor::name).toList());
    assertEquals(5f, r.output("OUT").orElseThrow().asFloats()[0]);
    assertEquals("diamond", r.model());
    assertEquals("id-1", r.id());
  }

  @Test
  void stepsGetTheRequestsIdParametersAndTimeouts() throws Exception {
    diamond().infer(request(60_000_000));
    InferRequest a = received.get("a");
    assertEquals("id-1", a.id());
    assertEquals(Map.of("priority", "1"), a.parameters());
    assertEquals(500, a.timeoutMicros());
    assertTrue(a.clientTimeoutMicros() > 0 && a.clientTimeoutMicros() <= 60_000_000, "" + a.clientTimeoutMicros());
    assertEquals("", a.version(), "model_version -1 is the latest");
  }

  @Test
  void aStepThatWouldStartPastTheClientsDeadlineFailsWithoutRunning() throws Exception {
    // 300 ms: long enough that a and b start on a loaded machine (a 2 ms deadline failed 'a' under CI load).
    CompletableFuture<InferResponse> result = diamond().infer(request(300_000)).toCompletableFuture();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .until(() -> received.containsKey("a") && received.containsKey("b"));
    Thread.sleep(400); // past the deadline before a and b answer
    answer("a", 1f);
    answer("b", 1f);
    Await.failure(result, ErrorKind.DEADLINE_EXCEEDED, "the client's deadline passed before step model 'c' could run");
    assertFalse(received.containsKey("c"));
  }

  @Test
  void aFailingStepFailsTheRequestAndSkipsItsDependents() {
    CompletableFuture<InferResponse> result = diamond().infer(request(0)).toCompletableFuture();
    answers.get("a").completeExceptionally(io.inferencia.protocols.inference.InferenceException.exhausted("queue full"));
    answer("b", 1f);
    Await.failure(result, ErrorKind.RESOURCE_EXHAUSTED, "ensemble 'diamond' step model 'a': queue full");
    assertFalse(received.containsKey("c"));
  }

  private EnsembleModel diamond() {
    try {
      ModelConfig config = ModelConfigParser.parse(DIAMOND, "diamond");
      return new EnsembleModel(config, EnsembleGraph.of(config), inferer);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static InferRequest request(long clientTimeoutMicros) {
    return new InferRequest("diamond", "1", "id-1", List.of(Tensor.ofFloats("IN", new long[] {1}, new float[] {1f})),
        List.of(), Map.of("priority", "1"), 500, clientTimeoutMicros);
  }

  private void answer(String model, float value) {
    answers.computeIfAbsent(model, m -> new CompletableFuture<>()).complete(new InferResponse(model, "1", "",
        List.of(Tensor.ofFloats("y", new long[] {1}, new float[] {value}))));
  }
}

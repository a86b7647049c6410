package io.inferencia.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.inferencia.gpu.actors.ModelRepositoryManager;
import io.inferencia.protocols.inference.InferRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How an edge-only node picks the gpu node for a request: a sequence always the same one. */
class RemoteRoutingTest {
  @Test
  void aSequenceKeepsItsKeyWhileOtherRequestsSpread() {
    AtomicLong spread = new AtomicLong();
    ModelRepositoryManager.Infer first = infer(Map.of("sequence_id", "42", "sequence_start", "true"));
    ModelRepositoryManager.Infer later = infer(Map.of("sequence_id", " 42 "));
    assertEquals(InferenceCore.routingKey(first, spread), InferenceCore.routingKey(later, spread));
    assertNotEquals(InferenceCore.routingKey(first, spread), InferenceCore.routingKey(infer(Map.of("sequence_id", "43")), spread));
    assertNotEquals(InferenceCore.routingKey(infer(Map.of()), spread), InferenceCore.routingKey(infer(Map.of()), spread));
  }

  private static ModelRepositoryManager.Infer infer(Map<String, String> parameters) {
    return new ModelRepositoryManager.Infer(new InferRequest("acc", "", "", List.of(), List.of(), parameters, 0), null);
  }
}

package io.inferencia.gpu.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {
  @Test
  void keysDifferWithAnythingThatChangesTheAnswer() {
    InferRequest base = request(List.of(Tensor.ofFloats("x", new long[] {1, 2}, new float[] {1, 2})), List.of());
    ResponseCache.Key k = ResponseCache.key("m", "1", 7, base);
    assertEquals(k, ResponseCache.key("m", "1", 7, request(List.of(Tensor.ofFloats("x", new long[] {1, 2}, new float[] {1, 2})), List.of())));
    assertEquals(k, ResponseCache.key("m", "1", 7, new InferRequest("m", "", "another-id", base.inputs(), List.of(), Map.of(), 0)),
        "the request id is not part of the answer");
    assertNotEquals(k, ResponseCache.key("m", "1", 7, request(List.of(Tensor.ofFloats("x", new long[] {1, 2}, new float[] {1, 3})), List.of())), "data");
    assertNotEquals(k, ResponseCache.key("m", "1", 7, request(List.of(Tensor.ofFloats("x", new long[] {2, 1}, new float[] {1, 2})), List.of())), "shape");
    assertNotEquals(k, ResponseCache.key("m", "1", 7, request(List.of(Tensor.ofFloats("y", new long[] {1, 2}, new float[] {1, 2})), List.of())), "name");
    assertNotEquals(k, ResponseCache.key("m", "1", 7, request(base.inputs(), List.of("out"))), "requested outputs");
    assertNotEquals(k, ResponseCache.key("m", "1", 8, base), "a reloaded version");
    assertNotEquals(k, ResponseCache.key("m", "2", 7, base), "another version");
    Tensor a = Tensor.ofFloats("a", new long[] {1}, new float[] {1});
    Tensor b = Tensor.ofFloats("b", new long[] {1}, new float[] {2});
    assertEquals(ResponseCache.key("m", "1", 7, request(List.of(a, b), List.of())), ResponseCache.key("m", "1", 7, request(List.of(b, a), List.of())),
        "inputs by name, whatever their order");
  }

  @Test
  void staysWithinItsBudget() {
    ResponseCache cache = new ResponseCache(3_500);
    List<Tensor> kilobyte = List.of(Tensor.ofFloats("y", new long[] {256}, new float[256]));
    cache.put(key(0), kilobyte);
    assertTrue(cache.get(key(0)).isPresent());
    for (int i = 1; i <= 6; i++) cache.put(key(i), kilobyte);
    assertTrue(cache.bytes() <= 3_500, "within budget: " + cache.bytes());
    assertEquals(2, cache.size(), "two entries of 1.5 kB fit in 3.5 kB");
    cache.put(key(7), List.of(Tensor.ofFloats("y", new long[] {1024}, new float[1024])));
    assertTrue(cache.get(key(7)).isEmpty(), "larger than the whole budget: not kept");
    assertEquals(2, cache.size());
  }

  private static ResponseCache.Key key(int i) {
    return ResponseCache.key("m", "1", 1, request(List.of(Tensor.ofFloats("x", new long[] {1}, new float[] {i})), List.of()));
  }

  private static InferRequest request(List<Tensor> inputs, List<String> outputs) {
    return new InferRequest("m", "", "id", inputs, outputs, Map.of(), 0);
  }
}

package io.inferencia.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeHopBenchmarkTest {
  @Test
  void defaultsAreTheIssuesLoads() {
    EdgeHopBenchmark.Options o = EdgeHopBenchmark.parse(Map.of());
    assertEquals(List.of("ocr_cls 16", "ocr_cls 64", "ocr_rec 16"),
        o.loads().stream().map(l -> l.target().model() + " " + l.streams()).toList());
    assertEquals(10, o.seconds());
    assertEquals(2, o.rounds());
    assertEquals("fixed-4", o.variant());
  }

  @Test
  void loadsAndVariantAreChecked() {
    assertEquals(8, EdgeHopBenchmark.parse(Map.of("loads", "ocr_rec:8")).loads().get(0).streams());
    assertEquals("shipped", EdgeHopBenchmark.parse(Map.of("variant", "shipped")).variant());
    assertThrows(IllegalArgumentException.class, () -> EdgeHopBenchmark.parse(Map.of("loads", "ocr_det:4")));
    assertThrows(IllegalArgumentException.class, () -> EdgeHopBenchmark.parse(Map.of("loads", "ocr_cls")));
    assertThrows(IllegalArgumentException.class, () -> EdgeHopBenchmark.parse(Map.of("variant", "fast")));
    assertThrows(IllegalArgumentException.class, () -> EdgeHopBenchmark.parse(Map.of("rounds", "0")));
  }
}

package io.inferencia.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.bench.JobScalingBenchmark.Scale;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobScalingBenchmarkTest {
  @Test
  void defaultsAreTheIssuesCounts() {
    JobScalingBenchmark.Options o = JobScalingBenchmark.parse(Map.of());
    assertEquals(List.of(1, 2, 3), o.gpuNodes());
    assertEquals(200, o.jobs());
    assertEquals(4, o.lines());
    assertEquals(1, o.rounds());
    assertEquals(10, o.warmupJobs());
    assertEquals(Map.of(), o.nodeEnv());
  }

  @Test
  void optionsAreChecked() {
    assertEquals(List.of(2, 4), JobScalingBenchmark.parse(Map.of("gpu-nodes", "2, 4")).gpuNodes());
    assertEquals(Map.of("INFERENCE_CPU_CORES", "2"),
        JobScalingBenchmark.parse(Map.of("node-env", "INFERENCE_CPU_CORES=2")).nodeEnv());
    assertThrows(IllegalArgumentException.class, () -> JobScalingBenchmark.parse(Map.of("gpu-nodes", "0")));
    assertThrows(IllegalArgumentException.class, () -> JobScalingBenchmark.parse(Map.of("gpu-nodes", "a")));
    assertThrows(IllegalArgumentException.class, () -> JobScalingBenchmark.parse(Map.of("jobs", "0")));
    assertThrows(IllegalArgumentException.class, () -> JobScalingBenchmark.parse(Map.of("lines", "0")));
    assertThrows(IllegalArgumentException.class, () -> JobScalingBenchmark.parse(Map.of("rounds", "0")));
  }

  @Test
  void theInterpretationFollowsTheFigures() {
    List<String> flat = JobScalingBenchmark.interpret(List.of(
        new Scale(1, 200, 40, 5.0, 10, 300, 0.60),
        new Scale(2, 200, 30, 6.7, 12, 290, 0.93),
        new Scale(3, 200, 31, 6.5, 13, 320, 0.95)), 2);
    assertTrue(flat.get(0).contains("scaled sublinearly") && flat.get(0).contains("no further beyond 2"), flat.get(0));
    assertTrue(flat.get(1).contains("with 2 gpu JVM(s) the node JVMs already kept 0.93") && flat.get(1).contains("rose"),
        flat.get(1));

    List<String> linear = JobScalingBenchmark.interpret(List.of(
        new Scale(1, 200, 40, 5.0, 10, 300, 0.30), new Scale(2, 200, 20, 9.8, 10, 300, 0.60)), 4);
    assertTrue(linear.get(0).contains("scaled nearly linearly up to 2"), linear.get(0));
    assertTrue(linear.get(1).contains("did not bound"), linear.get(1));
  }
}

package io.inferencia.gpu.runtime;

import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelParameter;
import java.util.Optional;

/**
 * How one model's CPU sessions share the cores: how many sessions and how many intra-op threads each.
 *
 * <p>Triton's rules hold: {@code instance_group.count} sessions, each with the ONNX Runtime backend's
 * {@code intra_op_thread_count} parameter, by default the cores divided among the model's own
 * sessions. The extension {@code cpu_instances: "per_core"} asks for one session per core instead
 * (single-threaded unless {@code intra_op_thread_count} says otherwise): small models then run
 * without intra-op synchronisation, measured here at 1.8x (ocr_cls) and 1.1x (ocr_rec) the
 * throughput of one session using every core.
 *
 * <p>Each model divides the cores on its own: a busy model may use the whole machine, and models
 * busy at the same time share it through the OS scheduler.
 */
public record CpuLayout(int instances, int threadsPerInstance) {
  public static final String INSTANCES_PARAMETER = "cpu_instances";
  public static final String PER_CORE = "per_core";
  public static final String THREADS_PARAMETER = "intra_op_thread_count";

  /** With {@code cpuInstances} sessions asked for on the CPU (the counts of the model's CPU groups). */
  public static CpuLayout of(ModelConfig config, int cores, int cpuInstances) {
    Optional<Integer> threads = threadsParameter(config);
    if (perCore(config)) {
      int t = threads.orElse(1);
      return new CpuLayout(Math.max(1, cores / t), t);
    }
    int count = Math.max(1, cpuInstances);
    return new CpuLayout(count, threads.orElse(Math.max(1, cores / count)));
  }

  /** On a GPU the intra-op pool only runs the CPU fallback kernels: one thread unless configured. */
  static int threadsOnGpu(ModelConfig config) {
    return threadsParameter(config).orElse(1);
  }

  public static boolean perCore(ModelConfig config) {
    ModelParameter p = config.getParametersMap().get(INSTANCES_PARAMETER);
    return p != null && p.getStringValue().trim().equalsIgnoreCase(PER_CORE);
  }

  /** The parser has already checked that the value is a positive integer. */
  static Optional<Integer> threadsParameter(ModelConfig config) {
    ModelParameter p = config.getParametersMap().get(THREADS_PARAMETER);
    return p == null ? Optional.empty() : Optional.of(Integer.parseInt(p.getStringValue().trim()));
  }
}

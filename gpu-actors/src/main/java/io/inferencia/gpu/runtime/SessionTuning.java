package io.inferencia.gpu.runtime;

import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelParameter;
import java.util.Map;
import java.util.Optional;

/**
 * The ONNX Runtime session parameters of Triton's onnxruntime backend, from the config's
 * {@code parameters} (intra-op threads are laid out by {@link CpuLayout}): {@code inter_op_thread_count},
 * {@code execution_mode} (0 sequential, 1 parallel), {@code enable_mem_arena} and
 * {@code enable_mem_pattern} (0 or 1); and {@code optimization { graph { level } }} as that backend
 * reads it: -1 basic, 1 extended, anything else (0, the default) all. The parser has checked the values.
 */
public record SessionTuning(int interOpThreads, boolean parallelExecution, boolean memArena, boolean memPattern,
    OrtSession.SessionOptions.OptLevel graphLevel) {
  public static final String INTER_OP_THREADS = "inter_op_thread_count";
  public static final String EXECUTION_MODE = "execution_mode";
  public static final String MEM_ARENA = "enable_mem_arena";
  public static final String MEM_PATTERN = "enable_mem_pattern";

  /** ONNX Runtime's defaults, but one inter-op thread: operators run one after another anyway. */
  public static final SessionTuning DEFAULT = new SessionTuning(1, false, true, true, OptLevel.ALL_OPT);

  public static SessionTuning of(ModelConfig config) {
    Map<String, ModelParameter> p = config.getParametersMap();
    return new SessionTuning(
        value(p, INTER_OP_THREADS).map(Integer::parseInt).orElse(DEFAULT.interOpThreads()),
        value(p, EXECUTION_MODE).map("1"::equals).orElse(DEFAULT.parallelExecution()),
        value(p, MEM_ARENA).map(SessionTuning::flag).orElse(DEFAULT.memArena()),
        value(p, MEM_PATTERN).map(SessionTuning::flag).orElse(DEFAULT.memPattern()),
        graphLevel(config.getOptimization().getGraph().getLevel()));
  }

  static OptLevel graphLevel(int level) {
    return switch (level) {
      case -1 -> OptLevel.BASIC_OPT;
      case 1 -> OptLevel.EXTENDED_OPT;
      default -> OptLevel.ALL_OPT;
    };
  }

  /** Whether {@code value} is a valid setting of the flag parameters: 0, 1, true or false. */
  public static boolean isFlag(String value) {
    return value.equals("0") || value.equals("1") || value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
  }

  private static boolean flag(String value) {
    return value.equals("1") || value.equalsIgnoreCase("true");
  }

  private static Optional<String> value(Map<String, ModelParameter> p, String key) {
    ModelParameter v = p.get(key);
    return v == null ? Optional.empty() : Optional.of(v.getStringValue().trim());
  }
}

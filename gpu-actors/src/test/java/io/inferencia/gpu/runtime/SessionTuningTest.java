package io.inferencia.gpu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.inferencia.gpu.repository.ModelConfigParser;
import io.inferencia.gpu.testkit.TestModels;
import org.junit.jupiter.api.Test;

class SessionTuningTest {
  private static final String BODY = TestModels.minimalConfig(4);

  @Test
  void readsTheOnnxRuntimeBackendParameters() throws Exception {
    assertEquals(SessionTuning.DEFAULT, SessionTuning.of(ModelConfigParser.parse(BODY, "m")));
    assertEquals(new SessionTuning(3, true, false, true, OptLevel.EXTENDED_OPT), SessionTuning.of(ModelConfigParser.parse(BODY + """
        optimization { graph { level: 1 } }
        parameters { key: "inter_op_thread_count" value: { string_value: "3" } }
        parameters { key: "execution_mode" value: { string_value: "1" } }
        parameters { key: "enable_mem_arena" value: { string_value: "false" } }
        parameters { key: "enable_mem_pattern" value: { string_value: "1" } }
        """, "m")));
    assertEquals(OptLevel.BASIC_OPT,
        SessionTuning.of(ModelConfigParser.parse(BODY + "optimization { graph { level: -1 } }", "m")).graphLevel());
    assertEquals(OptLevel.ALL_OPT,
        SessionTuning.of(ModelConfigParser.parse(BODY + "optimization { graph { level: 0 } }", "m")).graphLevel());
  }
}

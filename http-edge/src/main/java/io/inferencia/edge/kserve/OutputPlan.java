package io.inferencia.edge.kserve;

import io.inferencia.edge.shm.ShmOutputs;
import java.util.Map;

/**
 * How the client wants each output delivered: Triton's binary tensor extension lets every requested
 * output say {@code binary_data}, with {@code binary_data_output} as the request-wide default; the
 * shared-memory extension sends an output to a registered region instead.
 */
record OutputPlan(boolean binaryByDefault, Map<String, Boolean> binaryByOutput, ShmOutputs shm) {
  OutputPlan {
    binaryByOutput = Map.copyOf(binaryByOutput);
  }

  boolean binary(String output) {
    return binaryByOutput.getOrDefault(output, binaryByDefault);
  }
}

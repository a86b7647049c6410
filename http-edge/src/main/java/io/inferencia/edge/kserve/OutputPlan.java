package io.inferencia.edge.kserve;

import java.util.Map;

/**
 * How the client wants each output encoded: Triton's binary tensor extension lets every requested
 * output say {@code binary_data}, with {@code binary_data_output} as the request-wide default.
 */
record OutputPlan(boolean binaryByDefault, Map<String, Boolean> binaryByOutput) {
  OutputPlan {
    binaryByOutput = Map.copyOf(binaryByOutput);
  }

  boolean binary(String output) {
    return binaryByOutput.getOrDefault(output, binaryByDefault);
  }
}

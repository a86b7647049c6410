package io.inferencia.gpu.pipeline.vad;

import io.inferencia.gpu.pipeline.PipelineRequests;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import java.util.List;

/**
 * One call of Silero v5 at 16 kHz: the request for one window (64 samples of context, 512 new ones,
 * and the recurrent state) and the probability and next state read back from the response.
 */
final class SileroCall {
  static final int SAMPLE_RATE = 16_000;
  static final int WINDOW = 512;
  static final int CONTEXT = 64;
  static final int INPUT = CONTEXT + WINDOW;
  static final int STATE_SIZE = 2 * 1 * 128;

  /** What one call returns: the window's speech probability and the state for the next call. */
  record Output(float probability, float[] state) {}

  private SileroCall() {}

  static float[] initialState() {
    return new float[STATE_SIZE];
  }

  static InferRequest request(String model, float[] input, float[] state) {
    return InferRequest.of(
        model,
        List.of(
            Tensor.ofFloats("input", new long[] {1, INPUT}, input),
            Tensor.ofFloats("state", new long[] {2, 1, 128}, state),
            Tensor.ofLongs("sr", new long[] {1}, new long[] {SAMPLE_RATE})));
  }

  static Output output(String model, InferResponse response) {
    float[] p = PipelineRequests.output(response, "output").asFloats();
    float[] next = PipelineRequests.output(response, "stateN").asFloats();
    if (p.length != 1 || next.length != STATE_SIZE)
      throw new InferenceException(ErrorKind.INTERNAL, "unexpected output sizes from " + model);
    return new Output(p[0], next);
  }
}

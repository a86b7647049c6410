package io.inferencia.gpu.pipeline.vad;

import io.inferencia.protocols.inference.Inferer;
import java.util.concurrent.CompletionStage;

/**
 * Silero's recurrent state over one stream: each call sends the state the previous call returned. The
 * caller must wait for one call to complete before making the next (mapAsync(1) does).
 */
final class SileroRecurrence {
  private final Inferer inferer;
  private final String model;
  /** Written on the inferer's completing thread, read by the next call on another: volatile. */
  private volatile float[] state = SileroCall.initialState();

  SileroRecurrence(Inferer inferer, String model) {
    this.inferer = inferer;
    this.model = model;
  }

  /** The speech probability of one model input (see {@link WindowFramer}). */
  CompletionStage<Float> next(float[] input) {
    return inferer
        .infer(SileroCall.request(model, input, state))
        .thenApply(
            response -> {
              SileroCall.Output out = SileroCall.output(model, response);
              state = out.state();
              return out.probability();
            });
  }
}

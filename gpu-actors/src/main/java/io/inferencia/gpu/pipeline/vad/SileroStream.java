package io.inferencia.gpu.pipeline.vad;

import io.inferencia.gpu.Inferer;
import io.inferencia.gpu.pipeline.PipelineRequests;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Runs Silero v5 over one 16 kHz stream, window by window. Each call sees the previous window's last
 * 64 samples plus 512 new ones and the state the previous call returned, so calls are strictly
 * sequential; each next call is started from the executor (not nested in the previous callback), so
 * a long stream neither blocks a thread nor grows the stack.
 */
public final class SileroStream {
  public static final int SAMPLE_RATE = 16_000;
  public static final int WINDOW = 512;
  private static final int CONTEXT = 64;
  private static final int STATE_SIZE = 2 * 1 * 128;
  private final Inferer inferer;
  private final String model;
  private final Executor executor;

  public SileroStream(Inferer inferer, String model, Executor executor) {
    this.inferer = inferer;
    this.model = model;
    this.executor = executor;
  }

  /** Speech probability of each 512-sample window (the last one zero-padded). */
  public CompletionStage<float[]> probabilities(float[] audio) {
    int windows = (audio.length + WINDOW - 1) / WINDOW;
    Run run = new Run(audio, new float[windows], new CompletableFuture<>());
    run.step(0, new float[STATE_SIZE]);
    return run.result;
  }

  private final class Run {
    private final float[] audio;
    private final float[] probabilities;
    private final CompletableFuture<float[]> result;

    Run(float[] audio, float[] probabilities, CompletableFuture<float[]> result) {
      this.audio = audio;
      this.probabilities = probabilities;
      this.result = result;
    }

    void step(int window, float[] state) {
      if (window == probabilities.length) {
        result.complete(probabilities);
        return;
      }
      inferer
          .infer(request(window, state))
          .whenComplete(
              (response, error) -> {
                if (error != null) result.completeExceptionally(error);
                else continueAfter(window, response);
              });
    }

    private void continueAfter(int window, InferResponse response) {
      try {
        executor.execute(
            () -> {
              try {
                float[] p = PipelineRequests.output(response, "output").asFloats();
                float[] next = PipelineRequests.output(response, "stateN").asFloats();
                if (p.length != 1 || next.length != STATE_SIZE)
                  throw new InferenceException(ErrorKind.INTERNAL, "unexpected output sizes from " + model);
                probabilities[window] = p[0];
                step(window + 1, next);
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
      } catch (RuntimeException rejected) {
        result.completeExceptionally(rejected);
      }
    }

    private InferRequest request(int window, float[] state) {
      float[] input = new float[CONTEXT + WINDOW];
      int start = window * WINDOW;
      int from = Math.max(0, start - CONTEXT);
      System.arraycopy(audio, from, input, CONTEXT - (start - from), start - from);
      System.arraycopy(audio, start, input, CONTEXT, Math.min(WINDOW, audio.length - start));
      return InferRequest.of(
          model,
          List.of(
              Tensor.ofFloats("input", new long[] {1, CONTEXT + WINDOW}, input),
              Tensor.ofFloats("state", new long[] {2, 1, 128}, state),
              Tensor.ofLongs("sr", new long[] {1}, new long[] {SAMPLE_RATE})));
    }
  }
}

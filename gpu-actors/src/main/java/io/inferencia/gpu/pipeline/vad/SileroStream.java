package io.inferencia.gpu.pipeline.vad;

import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.Inferer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Runs Silero v5 over one 16 kHz signal held in memory, window by window. Each call sees the previous
 * window's last 64 samples plus 512 new ones and the state the previous call returned, so calls are
 * strictly sequential; each next call is started from the executor (not nested in the previous
 * callback), so a long signal neither blocks a thread nor grows the stack. {@link StreamingVad} does
 * the same over a byte stream.
 */
public final class SileroStream {
  public static final int SAMPLE_RATE = SileroCall.SAMPLE_RATE;
  public static final int WINDOW = SileroCall.WINDOW;
  private static final int CONTEXT = SileroCall.CONTEXT;
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
    run.step(0, SileroCall.initialState());
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
          .infer(SileroCall.request(model, input(window), state))
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
                SileroCall.Output out = SileroCall.output(model, response);
                probabilities[window] = out.probability();
                step(window + 1, out.state());
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
      } catch (RuntimeException rejected) {
        result.completeExceptionally(rejected);
      }
    }

    /** The window's model input: 64 samples of context (zeros before the start), then 512, zero-padded. */
    private float[] input(int window) {
      float[] input = new float[SileroCall.INPUT];
      int start = window * WINDOW;
      int from = Math.max(0, start - CONTEXT);
      System.arraycopy(audio, from, input, CONTEXT - (start - from), start - from);
      System.arraycopy(audio, start, input, CONTEXT, Math.min(WINDOW, audio.length - start));
      return input;
    }
  }
}

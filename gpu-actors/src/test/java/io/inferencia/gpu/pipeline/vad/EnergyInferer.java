package io.inferencia.gpu.pipeline.vad;

import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fast stand-in for Silero: speech probability 0.9 when the window's 512 new samples have an RMS
 * over 0.05, else 0.05. It also checks the contract a real recurrent model relies on: calls never
 * overlap, and each call carries the state the previous one returned (a counter in state[0]); a
 * broken contract fails the call.
 */
final class EnergyInferer implements Inferer {
  private final Executor completion;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Completes on the caller's thread. */
  EnergyInferer() {
    this(Runnable::run);
  }

  /** Completes each call from {@code completion}, as a real router would from another thread. */
  EnergyInferer(Executor completion) {
    this.completion = completion;
  }

  int calls() {
    return calls.get();
  }

  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    if (inFlight.incrementAndGet() != 1) return failed("overlapping calls");
    return CompletableFuture.supplyAsync(() -> respond(request), completion);
  }

  private InferResponse respond(InferRequest request) {
    try {
      float[] input = request.inputs().get(0).asFloats();
      float[] state = request.inputs().get(1).asFloats();
      if (input.length != SileroCall.INPUT) throw new IllegalStateException("input of " + input.length + " samples");
      int call = calls.getAndIncrement();
      if (state[0] != call) throw new IllegalStateException("call " + call + " got the state of call " + (int) state[0]);
      double energy = 0;
      for (int i = SileroCall.CONTEXT; i < input.length; i++) energy += input[i] * input[i];
      float p = Math.sqrt(energy / SileroCall.WINDOW) > 0.05 ? 0.9f : 0.05f;
      float[] next = new float[SileroCall.STATE_SIZE];
      next[0] = call + 1;
      return new InferResponse(
          request.model(),
          "1",
          request.id(),
          List.of(Tensor.ofFloats("output", new long[] {1, 1}, new float[] {p}), Tensor.ofFloats("stateN", new long[] {2, 1, 128}, next)));
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private CompletionStage<InferResponse> failed(String why) {
    inFlight.decrementAndGet();
    return CompletableFuture.failedFuture(new IllegalStateException(why));
  }
}

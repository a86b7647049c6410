package io.inferencia.gpu.jobs;

import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.jobs.JobSpec;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.Materializer;

/**
 * A task that needs its whole input (within a limit) to build one inference request: read, infer
 * through the routers, render the result. Times the read and the inference apart.
 */
public abstract class WholeInputTask implements TaskRunner {
  private final Inferer inferer;
  private final long maxBytes;

  protected WholeInputTask(Inferer inferer, long maxBytes) {
    this.inferer = inferer;
    this.maxBytes = maxBytes;
  }

  /** The request for this input; may throw an INVALID_ARGUMENT InferenceException for a bad one. */
  protected abstract InferRequest request(JobSpec spec, byte[] input);

  /** The result document's {@code result} part, as JSON. */
  protected abstract byte[] resultJson(InferResponse response);

  @Override
  public final CompletionStage<TaskResult> run(JobSpec spec, JobInput input, JobOutput output, Materializer mat) {
    long start = System.nanoTime();
    return input.readAll(maxBytes).thenCompose(bytes -> {
      long read = System.nanoTime();
      return inferer.infer(request(spec, bytes).withTraceparent(spec.traceparent())).thenApply(response ->
          new TaskResult(resultJson(response), (read - start) / 1000, (System.nanoTime() - read) / 1000));
    });
  }
}

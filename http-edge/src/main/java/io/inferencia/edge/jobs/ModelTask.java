package io.inferencia.edge.jobs;

import io.inferencia.edge.kserve.KServeDocuments;
import io.inferencia.gpu.Inferer;
import io.inferencia.gpu.jobs.JobInput;
import io.inferencia.gpu.jobs.TaskRunner;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.jobs.JobSpec;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.Materializer;

/**
 * A job on any served model: the input object is a KServe v2 inference request (JSON, or Triton's
 * binary form with the JSON length in the job parameter {@code header_length}), the result the model's
 * response as KServe v2 JSON. Lives in the edge module because it shares the REST endpoint's codec.
 */
public final class ModelTask implements TaskRunner {
  public static final String HEADER_LENGTH_PARAM = "header_length";
  private final Inferer inferer;
  private final long maxBytes;

  public ModelTask(Inferer inferer, long maxBytes) {
    this.inferer = inferer;
    this.maxBytes = maxBytes;
  }

  @Override
  public CompletionStage<TaskResult> run(JobSpec spec, JobInput input, Materializer mat) {
    long start = System.nanoTime();
    return input.readAll(maxBytes).thenCompose(body -> {
      long read = System.nanoTime();
      InferRequest request = KServeDocuments.request(spec.task(), body, headerLength(spec, body.length));
      return inferer.infer(request).thenApply(response -> new TaskResult(KServeDocuments.responseJson(response),
          (read - start) / 1000, (System.nanoTime() - read) / 1000));
    });
  }

  private static int headerLength(JobSpec spec, int bodyLength) {
    String v = spec.params().get(HEADER_LENGTH_PARAM);
    if (v == null) return bodyLength;
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw InferenceException.invalid("param '" + HEADER_LENGTH_PARAM + "' must be an integer, got '" + v + "'");
    }
  }
}

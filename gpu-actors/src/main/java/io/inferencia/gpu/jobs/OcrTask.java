package io.inferencia.gpu.jobs;

import io.inferencia.gpu.Inferer;
import io.inferencia.gpu.pipeline.ocr.OcrPipeline;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.jobs.JobSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.Materializer;

/**
 * {@code ocr}: reads the image (within the limit), runs the {@code ocr} pipeline model — decode with the
 * pixel limit, detection, crops, direction, recognition through the device routers — and returns its
 * results, {@code [{text, confidence, box}]}.
 */
public final class OcrTask implements TaskRunner {
  private final Inferer inferer;
  private final long maxBytes;

  public OcrTask(Inferer inferer, long maxBytes) {
    this.inferer = inferer;
    this.maxBytes = maxBytes;
  }

  @Override
  public CompletionStage<TaskResult> run(JobSpec spec, JobInput input, Materializer mat) {
    long start = System.nanoTime();
    return input.readAll(maxBytes).thenCompose(image -> {
      long read = System.nanoTime();
      InferRequest request = new InferRequest("ocr", "", "", List.of(Tensor.ofBytes(OcrPipeline.INPUT, new long[] {1},
          List.of(image))), List.of(OcrPipeline.RESULT_JSON), spec.params(), 0);
      return inferer.infer(request).thenApply(response -> new TaskResult(resultJson(response),
          (read - start) / 1000, (System.nanoTime() - read) / 1000));
    });
  }

  private static byte[] resultJson(InferResponse response) {
    return response.outputs().stream()
        .filter(t -> t.name().equals(OcrPipeline.RESULT_JSON))
        .findFirst()
        .map(t -> t.asStrings().get(0).getBytes(StandardCharsets.UTF_8))
        .orElseThrow(() -> new InferenceException(io.inferencia.protocols.inference.ErrorKind.INTERNAL,
            "the ocr pipeline returned no " + OcrPipeline.RESULT_JSON));
  }
}

package io.inferencia.gpu.jobs;

import io.inferencia.gpu.pipeline.ocr.OcrPipeline;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.jobs.JobSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code ocr}: the image (within the limit) through the {@code ocr} pipeline model — decode with the
 * pixel limit, detection, crops, direction, recognition through the device routers — whose results,
 * {@code [{text, confidence, box}]}, are the job's result.
 */
public final class OcrTask extends WholeInputTask {
  public OcrTask(Inferer inferer, long maxBytes) {
    super(inferer, maxBytes);
  }

  @Override
  protected InferRequest request(JobSpec spec, byte[] image) {
    return new InferRequest("ocr", "", "", List.of(Tensor.ofBytes(OcrPipeline.INPUT, new long[] {1}, List.of(image))),
        List.of(OcrPipeline.RESULT_JSON), spec.params(), 0);
  }

  @Override
  protected byte[] resultJson(InferResponse response) {
    return response.outputs().stream()
        .filter(t -> t.name().equals(OcrPipeline.RESULT_JSON))
        .findFirst()
        .map(t -> t.asStrings().get(0).getBytes(StandardCharsets.UTF_8))
        .orElseThrow(() -> new InferenceException(ErrorKind.INTERNAL, "the ocr pipeline returned no " + OcrPipeline.RESULT_JSON));
  }
}

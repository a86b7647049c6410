package io.inferencia.gpu.jobs;

import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceDocuments;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.jobs.JobSpec;

/**
 * A job on any served model: the input object is a KServe v2 inference request (JSON, or Triton's
 * binary form with the JSON length in the job parameter {@code header_length}), the result the model's
 * response as KServe v2 JSON. The codec is the REST endpoint's, handed in through {@link InferenceDocuments}.
 */
public final class ModelTask extends WholeInputTask {
  public static final String HEADER_LENGTH_PARAM = "header_length";

  private final InferenceDocuments documents;

  public ModelTask(Inferer inferer, long maxBytes, InferenceDocuments documents) {
    super(inferer, maxBytes);
    this.documents = documents;
  }

  @Override
  protected InferRequest request(JobSpec spec, byte[] body) {
    return documents.request(spec.task(), body, headerLength(spec, body.length));
  }

  @Override
  protected byte[] resultJson(InferResponse response) {
    return documents.responseJson(response);
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

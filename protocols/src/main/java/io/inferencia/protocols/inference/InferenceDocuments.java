package io.inferencia.protocols.inference;

/**
 * Inference requests and responses as stored documents: how a model job's input object becomes a request
 * and its response becomes the result object. The edge's KServe v2 codec implements it, so a stored document
 * reads exactly as the REST endpoint's body does; the job worker uses it without knowing the edge.
 */
public interface InferenceDocuments {
  /**
   * @param headerLength length of the JSON part; bytes after it are Triton binary tensor data
   *     ({@code body.length} for a plain JSON request)
   * @throws InferenceException INVALID_ARGUMENT when the document is not a valid request
   */
  InferRequest request(String model, byte[] body, int headerLength);

  /** The response as plain KServe v2 JSON (every output inline). */
  byte[] responseJson(InferResponse response);
}

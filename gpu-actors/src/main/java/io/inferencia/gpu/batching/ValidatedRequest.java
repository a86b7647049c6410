package io.inferencia.gpu.batching;

/**
 * What validation learned about a request.
 *
 * @param batchSize the request's own batch dimension (1 for models that do not batch)
 * @param bucket identical for requests whose non-batch dimensions match, so they may batch together
 */
public record ValidatedRequest(int batchSize, String bucket) {}

package io.inferencia.gpu.pipeline;

import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import java.util.concurrent.CompletionStage;

/**
 * A model served by code rather than one ONNX file (backend "ocr_pipeline", "vad_pipeline"): it
 * decodes its BYTES input and calls other models through the gateway, batched with all other traffic.
 */
public interface PipelineModel {
  CompletionStage<InferResponse> infer(InferRequest request);
}

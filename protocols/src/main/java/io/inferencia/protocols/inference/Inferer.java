package io.inferencia.protocols.inference;

import java.util.concurrent.CompletionStage;

/** Runs one inference request; pipelines depend on this alone so they can be tested in isolation. */
@FunctionalInterface
public interface Inferer {
  CompletionStage<InferResponse> infer(InferRequest request);
}

package io.inferencia.edge.testkit;

import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.inference.TensorSpec;
import java.util.List;
import java.util.function.Function;

/**
 * One model of {@link FakeGateway}. Shapes of inputs and outputs exclude the batch dimension, as in
 * config.pbtxt; {@code inputs} empty means "accept any inputs" (an identity model).
 */
public record FakeModel(
    String name,
    List<String> versions,
    int maxBatchSize,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    ModelState state,
    String reason,
    Function<InferRequest, List<Tensor>> compute) {}

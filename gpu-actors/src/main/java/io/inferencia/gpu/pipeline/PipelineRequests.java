package io.inferencia.gpu.pipeline;

import io.inferencia.protocols.inference.Inferer;

import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Request validation and response shaping shared by the pipelines. */
public final class PipelineRequests {
  private PipelineRequests() {}

  /**
   * The single element of the pipeline's one BYTES input; throws INVALID_ARGUMENT naming what is
   * wrong so a client can fix its request.
   */
  public static byte[] singleBytesInput(InferRequest request, String model, String inputName) {
    if (request.inputs().size() != 1)
      throw InferenceException.invalid(
          "model '" + model + "' expects exactly one input '" + inputName + "', got "
              + request.inputs().size());
    Tensor input = request.inputs().get(0);
    if (!inputName.equals(input.name()))
      throw InferenceException.invalid(
          "model '" + model + "' has no input '" + input.name() + "'; expected '" + inputName + "'");
    if (input.datatype() != DataType.BYTES)
      throw InferenceException.invalid(
          "input '" + inputName + "' must be BYTES, got " + input.datatype());
    List<byte[]> elements;
    try {
      elements = input.asBytesElements();
    } catch (IllegalArgumentException e) {
      throw InferenceException.invalid("input '" + inputName + "': " + e.getMessage());
    }
    if (elements.size() != 1 || input.elementCount() != 1)
      throw InferenceException.invalid(
          "input '" + inputName + "' must hold exactly one element (shape [1]), got "
              + elements.size());
    return elements.get(0);
  }

  /**
   * The inferer for the model calls made while serving {@code request}: each call carries the
   * request's trace context, so that its batches link back to the request's trace.
   */
  public static Inferer callsFor(Inferer inferer, InferRequest request) {
    String parent = request.traceparent();
    return parent.isEmpty() ? inferer : call -> inferer.infer(call.withTraceparent(parent));
  }

  /** Rejects requested outputs the model does not have, before any work is done. */
  public static void checkRequestedOutputs(InferRequest request, String model, Set<String> outputs) {
    for (String name : request.requestedOutputs())
      if (!outputs.contains(name))
        throw InferenceException.invalid("model '" + model + "' has no output '" + name + "'");
  }

  /** The response with only the requested outputs (all of them when none were named). */
  public static InferResponse response(InferRequest request, String model, List<Tensor> outputs) {
    List<Tensor> selected = new ArrayList<>();
    for (Tensor t : outputs)
      if (request.requestedOutputs().isEmpty() || request.requestedOutputs().contains(t.name()))
        selected.add(t);
    return new InferResponse(model, request.version(), request.id(), selected);
  }

  /** A named output of a model response, or INTERNAL when the model did not return it. */
  public static Tensor output(InferResponse response, String name) {
    return response
        .output(name)
        .orElseThrow(
            () ->
                new InferenceException(
                    io.inferencia.protocols.inference.ErrorKind.INTERNAL,
                    "model '" + response.model() + "' returned no output '" + name + "'"));
  }

  /** A result document (records, lists) as JSON text, written by the shared mapper. */
  public static String json(Object value) {
    try {
      return io.inferencia.protocols.json.JsonMappers.shared().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InferenceException(io.inferencia.protocols.inference.ErrorKind.INTERNAL, "a pipeline result could not be written as JSON");
    }
  }
}

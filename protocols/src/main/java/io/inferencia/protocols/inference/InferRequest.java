package io.inferencia.protocols.inference;

import io.inferencia.protocols.CborSerializable;
import java.util.List;
import java.util.Map;

/**
 * One inference request, independent of the wire protocol it came in on.
 *
 * @param version empty for the version the model's policy selects (the latest ready one)
 * @param requestedOutputs empty for every output of the model
 * @param parameters request parameters (protocol values rendered as strings)
 * @param timeoutMicros per-request queue timeout override, 0 for the model's default
 * @param clientTimeoutMicros how long the client waits for the answer (its gRPC deadline), 0 for no
 *     limit: a request still queued past it is dropped, as no one is waiting for it any more
 * @param classifications outputs asked for as Triton's classification extension: output name to the
 *     number of top classes, none for raw tensors
 * @param traceparent the W3C trace context of the caller's span ({@code ""} for none): the batch that
 *     runs the request links to it
 */
public record InferRequest(
    String model,
    String version,
    String id,
    List<Tensor> inputs,
    List<String> requestedOutputs,
    Map<String, String> parameters,
    long timeoutMicros,
    long clientTimeoutMicros,
    Map<String, Integer> classifications,
    String traceparent)
    implements CborSerializable {

  public InferRequest {
    version = version == null ? "" : version;
    id = id == null ? "" : id;
    inputs = List.copyOf(inputs);
    requestedOutputs = requestedOutputs == null ? List.of() : List.copyOf(requestedOutputs);
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    classifications = classifications == null ? Map.of() : Map.copyOf(classifications);
    traceparent = traceparent == null ? "" : traceparent;
  }

  /** An untraced request. */
  public InferRequest(String model, String version, String id, List<Tensor> inputs, List<String> requestedOutputs,
      Map<String, String> parameters, long timeoutMicros, long clientTimeoutMicros, Map<String, Integer> classifications) {
    this(model, version, id, inputs, requestedOutputs, parameters, timeoutMicros, clientTimeoutMicros, classifications, "");
  }

  /** A request for raw output tensors. */
  public InferRequest(String model, String version, String id, List<Tensor> inputs, List<String> requestedOutputs,
      Map<String, String> parameters, long timeoutMicros, long clientTimeoutMicros) {
    this(model, version, id, inputs, requestedOutputs, parameters, timeoutMicros, clientTimeoutMicros, Map.of());
  }

  /** A request whose client waits without a deadline. */
  public InferRequest(String model, String version, String id, List<Tensor> inputs, List<String> requestedOutputs,
      Map<String, String> parameters, long timeoutMicros) {
    this(model, version, id, inputs, requestedOutputs, parameters, timeoutMicros, 0);
  }

  public static InferRequest of(String model, List<Tensor> inputs) {
    return new InferRequest(model, "", "", inputs, List.of(), Map.of(), 0);
  }

  public InferRequest withVersion(String newVersion) {
    return new InferRequest(model, newVersion, id, inputs, requestedOutputs, parameters, timeoutMicros, clientTimeoutMicros,
        classifications, traceparent);
  }

  public InferRequest withClientTimeout(long micros) {
    return new InferRequest(model, version, id, inputs, requestedOutputs, parameters, timeoutMicros, micros, classifications,
        traceparent);
  }

  public InferRequest withClassifications(Map<String, Integer> outputs) {
    return new InferRequest(model, version, id, inputs, requestedOutputs, parameters, timeoutMicros, clientTimeoutMicros, outputs,
        traceparent);
  }

  /** The same request, traced as a child of (or linked to) {@code parent}, a W3C traceparent. */
  public InferRequest withTraceparent(String parent) {
    return new InferRequest(model, version, id, inputs, requestedOutputs, parameters, timeoutMicros, clientTimeoutMicros,
        classifications, parent);
  }
}

package io.inferencia.protocols.inference;

import io.inferencia.protocols.CborSerializable;
import java.util.List;
import java.util.Optional;

/** The outputs of one inference request. */
public record InferResponse(String model, String version, String id, List<Tensor> outputs)
    implements CborSerializable {

  public InferResponse {
    outputs = List.copyOf(outputs);
  }

  public Optional<Tensor> output(String name) {
    return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}

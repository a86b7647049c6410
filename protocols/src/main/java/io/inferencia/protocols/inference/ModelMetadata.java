package io.inferencia.protocols.inference;

import io.inferencia.protocols.CborSerializable;
import java.util.List;

/**
 * Metadata as the protocol reports it. Input and output shapes include the batch dimension (-1) when
 * the model batches (max_batch_size > 0), as Triton does.
 */
public record ModelMetadata(
    String name, List<String> versions, String platform, List<TensorSpec> inputs, List<TensorSpec> outputs)
    implements CborSerializable {
  public ModelMetadata {
    versions = List.copyOf(versions);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}

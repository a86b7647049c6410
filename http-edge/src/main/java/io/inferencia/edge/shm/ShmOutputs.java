package io.inferencia.edge.shm;

import java.util.Map;
import java.util.Optional;

/** The outputs a request asked to receive in shared memory, by output name. */
public record ShmOutputs(Map<String, ShmSlice> slices) {
  public static final ShmOutputs NONE = new ShmOutputs(Map.of());

  public ShmOutputs {
    slices = Map.copyOf(slices);
  }

  public Optional<ShmSlice> of(String output) {
    return Optional.ofNullable(slices.get(output));
  }
}

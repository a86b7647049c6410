package io.inferencia.edge.shm;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import java.util.Optional;

/**
 * A tensor's shared memory parameters as the request gave them: a registered region, an offset into
 * it (default 0) and a byte size. The region and the size come together or not at all.
 */
public record ShmRef(String region, long offset, long byteSize) {
  public static final String REGION = "shared_memory_region";
  public static final String OFFSET = "shared_memory_offset";
  public static final String BYTE_SIZE = "shared_memory_byte_size";

  /**
   * @param tensor how errors name the tensor, e.g. "input 'x'"
   * @param region the region parameter, null when absent
   * @param offset the offset parameter, null when absent
   * @param byteSize the byte size parameter, null when absent
   */
  public static Optional<ShmRef> of(String tensor, String region, Long offset, Long byteSize) {
    if (region == null && byteSize == null) {
      if (offset != null) throw invalid(tensor + ": " + OFFSET + " needs " + REGION + " and " + BYTE_SIZE);
      return Optional.empty();
    }
    if (region == null) throw invalid(tensor + ": " + BYTE_SIZE + " is given without " + REGION);
    if (byteSize == null) throw invalid(tensor + ": " + REGION + " is given without " + BYTE_SIZE);
    if (region.isEmpty()) throw invalid(tensor + ": " + REGION + " must not be empty");
    long at = offset == null ? 0 : offset;
    if (at < 0) throw invalid(tensor + ": " + OFFSET + " must not be negative, got " + at);
    if (byteSize < 0) throw invalid(tensor + ": " + BYTE_SIZE + " must not be negative, got " + byteSize);
    return Optional.of(new ShmRef(region, at, byteSize));
  }
}

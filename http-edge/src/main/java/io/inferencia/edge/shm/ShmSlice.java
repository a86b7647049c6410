package io.inferencia.edge.shm;

import static io.inferencia.protocols.inference.InferenceException.invalid;

/** The bytes of one tensor in a registered region, bounds-checked when it was resolved. */
public record ShmSlice(SystemRegion region, String tensor, long offset, long byteSize) {

  /** The tensor's bytes, copied out of the region. */
  public byte[] read() {
    return region.read(offset, (int) byteSize);
  }

  /** Writes a result into the slice; it must fit, as in Triton (the client sized it from the shape). */
  public void write(byte[] data) {
    if (data.length > byteSize)
      throw invalid(tensor + ": " + ShmRef.BYTE_SIZE + " " + byteSize + " is too small for the result of "
          + data.length + " bytes");
    region.write(offset, data);
  }

  public String regionName() {
    return region.name;
  }
}

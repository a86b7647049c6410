package io.inferencia.protocols.inference;

import java.util.Arrays;
import java.util.Optional;

/** Tensor element types of the KServe v2 protocol, with their Triton config names and sizes. */
public enum DataType {
  BOOL(1),
  UINT8(1),
  UINT16(2),
  UINT32(4),
  UINT64(8),
  INT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  FP16(2),
  FP32(4),
  FP64(8),
  BF16(2),
  /** Variable-length byte strings; raw form is a 4-byte little-endian length before each element. */
  BYTES(-1);

  private final int byteSize;

  DataType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Size of one element in bytes, or -1 for BYTES. */
  public int byteSize() {
    return byteSize;
  }

  /** The protocol's name, e.g. {@code FP32}. */
  public String wireName() {
    return name();
  }

  /** Parses a protocol datatype name ({@code FP32}, {@code BYTES}, ...). */
  public static Optional<DataType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
  }

  /** Maps a Triton config type name ({@code TYPE_FP32}, {@code TYPE_STRING}, ...). */
  public static Optional<DataType> fromConfigName(String configName) {
    if ("TYPE_STRING".equals(configName)) return Optional.of(BYTES);
    if (configName == null || !configName.startsWith("TYPE_")) return Optional.empty();
    return fromWireName(configName.substring("TYPE_".length()));
  }
}

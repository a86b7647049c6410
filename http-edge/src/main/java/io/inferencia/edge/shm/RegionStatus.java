package io.inferencia.edge.shm;

/** A registered system shared memory region, as the status calls report it. */
public record RegionStatus(String name, String key, long offset, long byteSize) {}

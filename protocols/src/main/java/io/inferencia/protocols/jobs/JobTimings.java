package io.inferencia.protocols.jobs;

import io.inferencia.protocols.CborSerializable;

/** Where a successful run spent its time, in microseconds: reading the input, inference, writing the result. */
public record JobTimings(long downloadMicros, long inferenceMicros, long uploadMicros) implements CborSerializable {
  public static final JobTimings NONE = new JobTimings(0, 0, 0);
}

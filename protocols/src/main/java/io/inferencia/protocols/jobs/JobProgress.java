package io.inferencia.protocols.jobs;

import io.inferencia.protocols.CborSerializable;

/** How far the running attempt of a long job got: bytes of its input done, of the total. */
public record JobProgress(long bytesDone, long bytesTotal) implements CborSerializable {
  /** As a transition's detail: {@code done/total}. */
  public String detail() {
    return bytesDone + "/" + bytesTotal;
  }

  /** The progress a transition's detail holds, or null for another detail. */
  public static JobProgress fromDetail(String detail) {
    int slash = detail == null ? -1 : detail.indexOf('/');
    if (slash < 0) return null;
    try {
      return new JobProgress(Long.parseLong(detail.substring(0, slash)), Long.parseLong(detail.substring(slash + 1)));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}

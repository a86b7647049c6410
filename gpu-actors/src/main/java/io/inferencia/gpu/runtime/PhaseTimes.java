package io.inferencia.gpu.runtime;

/** Where one model execution spent its time: preparing inputs, running the model, extracting outputs. */
public record PhaseTimes(long inputNanos, long inferNanos, long outputNanos) {
  public long totalNanos() {
    return inputNanos + inferNanos + outputNanos;
  }

  /** The same run with extra time on the input and output sides (stacking and splitting a batch). */
  public PhaseTimes plus(long moreInputNanos, long moreOutputNanos) {
    return new PhaseTimes(inputNanos + moreInputNanos, inferNanos, outputNanos + moreOutputNanos);
  }
}

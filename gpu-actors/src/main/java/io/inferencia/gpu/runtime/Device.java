package io.inferencia.gpu.runtime;

/** An execution device: the CPU, or one CUDA GPU by its id. */
public record Device(Kind kind, int id) {
  public enum Kind {
    CPU,
    CUDA
  }

  public static final Device CPU = new Device(Kind.CPU, 0);

  public static Device cuda(int id) {
    return new Device(Kind.CUDA, id);
  }

  /** A stable actor-name-safe label, e.g. {@code cpu} or {@code cuda-0}. */
  public String label() {
    return kind == Kind.CPU ? "cpu" : "cuda-" + id;
  }
}

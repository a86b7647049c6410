package io.inferencia.gpu.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.inferencia.gpu.batching.StackedInput;
import io.inferencia.protocols.inference.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session: a model instance of Triton's instance_group. Blocking; call only from the
 * inference blocking dispatcher, and run at most one batch at a time on it so that the thread budget
 * computed from instance counts holds.
 */
public final class ModelInstance implements AutoCloseable {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  private static final NativeGate GATE = NativeGate.PROCESS;

  private final OrtSession session;
  private final Device device;
  private final Map<String, ByteBuffer> staging = new HashMap<>();
  private boolean closed;

  private ModelInstance(OrtSession session, Device device) {
    this.session = session;
    this.device = device;
  }

  /** As {@link #open(Path, Device, int, boolean)} with ONNX Runtime's default spinning. */
  public static ModelInstance open(Path modelFile, Device device, int intraOpThreads) throws OrtException {
    return open(modelFile, device, intraOpThreads, true);
  }

  /**
   * Creates the session: explicit intra-op threads, one inter-op thread, every graph optimization, the
   * CUDA EP for a GPU.
   * Spinning intra-op threads keep busy waiting between operators: measured here it doubles ocr_rec's
   * batch-1 throughput (55 -> 120 items/s), at the price of CPU burnt right after each run.
   */
  public static ModelInstance open(Path modelFile, Device device, int intraOpThreads, boolean allowSpinning)
      throws OrtException {
    return open(modelFile, device, intraOpThreads, allowSpinning, SessionTuning.DEFAULT);
  }

  /** As {@link #open(Path, Device, int, boolean)} with the config's onnxruntime-backend parameters. */
  public static ModelInstance open(Path modelFile, Device device, int intraOpThreads, boolean allowSpinning,
      SessionTuning tuning) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(tuning.graphLevel());
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(tuning.interOpThreads());
      options.setExecutionMode(tuning.parallelExecution()
          ? OrtSession.SessionOptions.ExecutionMode.PARALLEL
          : OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setCPUArenaAllocator(tuning.memArena());
      options.setMemoryPatternOptimization(tuning.memPattern());
      options.addConfigEntry("session.intra_op.allow_spinning", allowSpinning ? "1" : "0");
      if (device.kind() == Device.Kind.CUDA) options.addCUDA(device.id());
      enter();
      try {
        OrtSession session = ENV.createSession(modelFile.toString(), options);
        GATE.opened(session);
        return new ModelInstance(session, device);
      } finally {
        GATE.leave();
      }
    }
  }

  private static void enter() throws OrtException {
    if (!GATE.tryEnter()) throw new OrtException("ONNX Runtime is shut down: the process is exiting");
  }

  /**
   * The reusable direct buffer for one input, grown as batches grow: ONNX Runtime reads it in place,
   * and one buffer per input of a session that runs one batch at a time is never shared.
   */
  private ByteBuffer staging(String input, long bytes) {
    if (bytes > Integer.MAX_VALUE)
      throw new IllegalArgumentException("input '" + input + "' of " + bytes + " bytes is too large");
    ByteBuffer buffer = staging.get(input);
    if (buffer == null || buffer.capacity() < bytes) {
      buffer = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
      staging.put(input, buffer);
    }
    return buffer;
  }

  public Device device() {
    return device;
  }

  public List<String> inputNames() {
    return List.copyOf(session.getInputNames());
  }

  public List<String> outputNames() {
    return List.copyOf(session.getOutputNames());
  }

  /** The outputs of one session run and the time each of its phases took. */
  public record Run(List<Tensor> outputs, PhaseTimes times) {}

  /** Runs one batch; inputs carry the exact shapes the model takes. Returns every model output. */
  public Run run(List<StackedInput> inputs) throws OrtException {
    enter();
    try {
      return runInside(inputs);
    } finally {
      GATE.leave();
    }
  }

  private Run runInside(List<StackedInput> inputs) throws OrtException {
    long start = System.nanoTime();
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (StackedInput t : inputs)
        feed.put(t.name(), TensorConversion.toOnnx(ENV, t, staging(t.name(), t.byteSize())));
      long fed = System.nanoTime();
      try (OrtSession.Result result = session.run(feed)) {
        long ran = System.nanoTime();
        List<Tensor> outputs = new ArrayList<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          if (!(e.getValue() instanceof OnnxTensor value))
            throw new OrtException("output '" + e.getKey() + "' is not a tensor");
          outputs.add(TensorConversion.fromOnnx(e.getKey(), value));
        }
        return new Run(outputs, new PhaseTimes(fed - start, ran - fed, System.nanoTime() - ran));
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /** Closes the session once; after the gate shut, the gate closes it instead. */
  @Override
  public void close() {
    if (closed || !GATE.tryEnter()) return;
    try {
      closed = true;
      GATE.closed(session);
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("closing the session failed", e);
    } finally {
      GATE.leave();
    }
  }
}

package io.inferencia.gpu.sequence;

import io.inferencia.gpu.repository.BatchingMode;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelDynamicBatching;
import io.inferencia.protocols.modelconfig.ModelInput;
import io.inferencia.protocols.modelconfig.ModelOutput;
import io.inferencia.protocols.modelconfig.ModelParameter;
import io.inferencia.protocols.modelconfig.ModelSequenceBatching;
import io.inferencia.protocols.modelconfig.ModelSequenceBatching.Control;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sequence batcher adds to each request of a sequence model: the control tensors, the state
 * inputs (initial zeros on a sequence's first request, the previous request's state outputs after),
 * and the config the model's batchers run with, where those are inputs and outputs like any other and
 * the strategy's batching settings are a dynamic_batching section.
 */
public final class SequencePlan {
  /** Triton's default max_sequence_idle_microseconds. */
  static final long DEFAULT_IDLE_MICROS = 1_000_000;

  private final ModelConfig config;
  private final boolean batching;
  private final List<ModelSequenceBatching.ControlInput> controls;
  private final List<ModelSequenceBatching.State> states;
  private final ModelConfig batcherConfig;

  public SequencePlan(ModelConfig config) {
    this.config = config;
    this.batching = config.getMaxBatchSize() > 0;
    this.controls = config.getSequenceBatching().getControlInputList();
    this.states = config.getSequenceBatching().getStateList();
    this.batcherConfig = batcherConfig(config);
  }

  public static boolean applies(ModelConfig config) {
    return config.hasSequenceBatching();
  }

  /** The config the model's batchers and sessions use. */
  public ModelConfig batcherConfig() {
    return batcherConfig;
  }

  public ModelConfig clientConfig() {
    return config;
  }

  public Duration idleTimeout() {
    long micros = config.getSequenceBatching().getMaxSequenceIdleMicroseconds();
    return Duration.ofNanos((micros == 0 ? DEFAULT_IDLE_MICROS : micros) * 1000);
  }

  /** How many sequences may have a request running at once; 0 for no limit. */
  public int maxActiveSequences() {
    ModelSequenceBatching sb = config.getSequenceBatching();
    return sb.hasOldest() ? sb.getOldest().getMaxCandidateSequences() : 0;
  }

  public List<String> stateOutputs() {
    return states.stream().map(ModelSequenceBatching.State::getOutputName).toList();
  }

  /** Each state's value at a sequence's start, by input name. */
  public Map<String, Tensor> initialState() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (ModelSequenceBatching.State st : states) {
      List<Long> dims = st.getInitialStateCount() > 0 ? st.getInitialState(0).getDimsList() : st.getDimsList();
      long[] shape = shape(dims.stream().mapToLong(Long::longValue).toArray());
      DataType type = DataType.fromConfigName(st.getDataType().name()).orElseThrow();
      out.put(st.getInputName(), new Tensor(st.getInputName(), type, shape,
          new byte[Math.toIntExact(Tensor.elementCount(shape) * type.byteSize())]));
    }
    return out;
  }

  /** The next state, by input name, from a step's outputs. */
  public Map<String, Tensor> nextState(List<Tensor> outputs) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (ModelSequenceBatching.State st : states) {
      Tensor t = outputs.stream().filter(o -> o.name().equals(st.getOutputName())).findFirst()
          .orElseThrow(() -> new InferenceException(io.inferencia.protocols.inference.ErrorKind.INTERNAL,
              "model '" + config.getName() + "' returned no state output '" + st.getOutputName() + "'"));
      out.put(st.getInputName(), new Tensor(st.getInputName(), t.datatype(), t.shape(), t.data()));
    }
    return out;
  }

  /** The control tensors for one request of sequence {@code id}. */
  public List<Tensor> controls(SequenceId id, boolean start, boolean end) {
    List<Tensor> out = new ArrayList<>(controls.size());
    for (ModelSequenceBatching.ControlInput ci : controls) {
      Control c = ci.getControl(0);
      out.add(switch (c.getKind()) {
        case CONTROL_SEQUENCE_START -> flag(ci.getName(), c, start);
        case CONTROL_SEQUENCE_END -> flag(ci.getName(), c, end);
        case CONTROL_SEQUENCE_READY -> flag(ci.getName(), c, true);
        case CONTROL_SEQUENCE_CORRID -> corrId(ci.getName(), c, id);
        case UNRECOGNIZED -> throw new IllegalStateException("unchecked control kind");
      });
    }
    return out;
  }

  private Tensor flag(String name, Control c, boolean value) {
    int index = value ? 1 : 0;
    long[] shape = shape(new long[] {1});
    if (c.getInt32FalseTrueCount() > 0)
      return new Tensor(name, DataType.INT32, shape, le(4).putInt(c.getInt32FalseTrue(index)).array());
    if (c.getFp32FalseTrueCount() > 0) return Tensor.ofFloats(name, shape, new float[] {c.getFp32FalseTrue(index)});
    return new Tensor(name, DataType.BOOL, shape, new byte[] {(byte) (c.getBoolFalseTrue(index) ? 1 : 0)});
  }

  private Tensor corrId(String name, Control c, SequenceId id) {
    long[] shape = shape(new long[] {1});
    DataType type = DataType.fromConfigName(c.getDataType().name()).orElseThrow();
    if (type == DataType.BYTES) return Tensor.ofStrings(name, shape, List.of(id.value()));
    long v = id.numeric().orElseThrow(() -> InferenceException.invalid("model '" + config.getName()
        + "' needs a numeric sequence_id for its " + type + " CORRID control, got '" + id.value() + "'"));
    return switch (type) {
      case INT64, UINT64 -> new Tensor(name, type, shape, le(8).putLong(v).array());
      default -> new Tensor(name, type, shape, le(4).putInt((int) v).array());
    };
  }

  /** With a batch dimension, each request carries one item. */
  private long[] shape(long[] dims) {
    if (!batching) return dims;
    long[] s = new long[dims.length + 1];
    s[0] = 1;
    System.arraycopy(dims, 0, s, 1, dims.length);
    return s;
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ModelConfig batcherConfig(ModelConfig config) {
    ModelSequenceBatching sb = config.getSequenceBatching();
    ModelConfig.Builder b = config.toBuilder().clearSequenceBatching();
    for (ModelSequenceBatching.ControlInput ci : sb.getControlInputList()) {
      Control c = ci.getControl(0);
      io.inferencia.protocols.modelconfig.DataType type = c.getKind() == Control.Kind.CONTROL_SEQUENCE_CORRID ? c.getDataType()
          : c.getInt32FalseTrueCount() > 0 ? io.inferencia.protocols.modelconfig.DataType.TYPE_INT32
          : c.getFp32FalseTrueCount() > 0 ? io.inferencia.protocols.modelconfig.DataType.TYPE_FP32
          : io.inferencia.protocols.modelconfig.DataType.TYPE_BOOL;
      b.addInput(ModelInput.newBuilder().setName(ci.getName()).setDataType(type).addDims(1));
    }
    for (ModelSequenceBatching.State st : sb.getStateList()) {
      b.addInput(ModelInput.newBuilder().setName(st.getInputName()).setDataType(st.getDataType()).addAllDims(st.getDimsList()));
      b.addOutput(ModelOutput.newBuilder().setName(st.getOutputName()).setDataType(st.getDataType()).addAllDims(st.getDimsList()));
    }
    if (config.getMaxBatchSize() > 0) {
      ModelDynamicBatching.Builder db = ModelDynamicBatching.newBuilder();
      if (sb.hasOldest()) {
        db.addAllPreferredBatchSize(sb.getOldest().getPreferredBatchSizeList())
            .setMaxQueueDelayMicroseconds(sb.getOldest().getMaxQueueDelayMicroseconds())
            .setPreserveOrdering(sb.getOldest().getPreserveOrdering());
      } else {
        db.setMaxQueueDelayMicroseconds(sb.getDirect().getMaxQueueDelayMicroseconds());
      }
      b.setDynamicBatching(db);
      if (!b.getParametersMap().containsKey(BatchingMode.PARAMETER))
        b.putParameters(BatchingMode.PARAMETER, ModelParameter.newBuilder().setStringValue("fixed").build());
    }
    return b.build();
  }

  /** A client's view of one request's outputs: the state outputs stay with the server. */
  public List<Tensor> clientOutputs(List<Tensor> outputs) {
    List<String> hidden = stateOutputs();
    return outputs.stream().filter(t -> !hidden.contains(t.name())).toList();
  }

  /** The step's requested outputs: the client's (all of the model's when it named none) and the states'. */
  public List<String> stepOutputs(List<String> requested) {
    List<String> out = new ArrayList<>(requested.isEmpty()
        ? config.getOutputList().stream().map(ModelOutput::getName).toList() : requested);
    out.addAll(stateOutputs());
    return out;
  }
}

package io.inferencia.gpu.sequence;

import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelInput;
import io.inferencia.protocols.modelconfig.ModelOutput;
import io.inferencia.protocols.modelconfig.ModelSequenceBatching;
import io.inferencia.protocols.modelconfig.ModelSequenceBatching.Control;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a sequence_batching section: each control input names one control of a kind given once,
 * START/END/READY with a two-value false/true list and CORRID with a supported data type; each state
 * names an input and an output the client does not, with dims and an initial state the server can
 * build. Fields this server cannot honour (data_file initial states, iterative sequences, buffer
 * hints, slot utilization) are refused. Throws IllegalArgumentException saying what is wrong.
 */
public final class SequenceRules {
  static final Set<DataType> CORRID_TYPES = EnumSet.of(DataType.UINT64, DataType.INT64, DataType.UINT32, DataType.INT32,
      DataType.BYTES);

  private SequenceRules() {}

  public static void check(ModelConfig config) {
    ModelSequenceBatching sb = config.getSequenceBatching();
    Set<String> names = new HashSet<>();
    config.getInputList().stream().map(ModelInput::getName).forEach(names::add);
    Set<String> outputs = new HashSet<>();
    config.getOutputList().stream().map(ModelOutput::getName).forEach(outputs::add);
    EnumSet<Control.Kind> kinds = EnumSet.noneOf(Control.Kind.class);
    for (ModelSequenceBatching.ControlInput ci : sb.getControlInputList()) {
      if (ci.getName().isEmpty()) throw new IllegalArgumentException("a control_input has no name");
      if (!names.add(ci.getName()))
        throw new IllegalArgumentException("control_input '" + ci.getName() + "' clashes with another input of that name");
      if (ci.getControlCount() != 1)
        throw new IllegalArgumentException("control_input '" + ci.getName() + "' must have exactly one control, got " + ci.getControlCount());
      Control c = ci.getControl(0);
      if (!kinds.add(c.getKind())) throw new IllegalArgumentException("control kind " + c.getKind() + " is given twice");
      checkControl(ci.getName(), c);
    }
    for (ModelSequenceBatching.State st : sb.getStateList()) {
      checkState(st, config.getMaxBatchSize());
      if (!names.add(st.getInputName()))
        throw new IllegalArgumentException("state input '" + st.getInputName() + "' clashes with another input of that name");
      if (!outputs.add(st.getOutputName()))
        throw new IllegalArgumentException("state output '" + st.getOutputName() + "' clashes with another output of that name");
    }
    if (sb.getIterativeSequence()) throw new IllegalArgumentException("iterative_sequence is not supported");
    checkStrategy(sb, config.getMaxBatchSize());
  }

  private static void checkControl(String name, Control c) {
    String what = "control_input '" + name + "' (" + c.getKind() + ")";
    int lists = (c.getInt32FalseTrueCount() > 0 ? 1 : 0) + (c.getFp32FalseTrueCount() > 0 ? 1 : 0)
        + (c.getBoolFalseTrueCount() > 0 ? 1 : 0);
    if (c.getKind() == Control.Kind.CONTROL_SEQUENCE_CORRID) {
      if (lists > 0) throw new IllegalArgumentException(what + " takes a data_type, not a false/true list");
      DataType type = DataType.fromConfigName(c.getDataType().name())
          .orElseThrow(() -> new IllegalArgumentException(what + " needs a data_type"));
      if (!CORRID_TYPES.contains(type))
        throw new IllegalArgumentException(what + " data_type must be TYPE_UINT64, TYPE_INT64, TYPE_UINT32, TYPE_INT32 or TYPE_STRING, got "
            + c.getDataType());
      return;
    }
    if (lists != 1)
      throw new IllegalArgumentException(what + " needs exactly one of int32_false_true, fp32_false_true, bool_false_true");
    int count = c.getInt32FalseTrueCount() + c.getFp32FalseTrueCount() + c.getBoolFalseTrueCount();
    if (count != 2) throw new IllegalArgumentException(what + " false/true list must have 2 values, got " + count);
    if (c.getDataType() != io.inferencia.protocols.modelconfig.DataType.TYPE_INVALID)
      throw new IllegalArgumentException(what + " takes its type from its false/true list, not data_type");
  }

  private static void checkState(ModelSequenceBatching.State st, int maxBatch) {
    if (st.getInputName().isEmpty() || st.getOutputName().isEmpty())
      throw new IllegalArgumentException("a state needs both input_name and output_name");
    String what = "state '" + st.getInputName() + "'";
    DataType type = DataType.fromConfigName(st.getDataType().name())
        .orElseThrow(() -> new IllegalArgumentException(what + " has no valid data_type"));
    if (type == DataType.BYTES) throw new IllegalArgumentException(what + ": TYPE_STRING state is not supported");
    if (st.getDimsCount() == 0) throw new IllegalArgumentException(what + " has no dims");
    for (long d : st.getDimsList())
      if (d < -1 || d == 0) throw new IllegalArgumentException(what + " has invalid dimension " + d);
    if (st.getUseSameBufferForInputOutput() || st.getUseGrowableMemory())
      throw new IllegalArgumentException(what + ": use_same_buffer_for_input_output and use_growable_memory are not supported");
    if (st.getInitialStateCount() > 1) throw new IllegalArgumentException(what + " has more than one initial_state");
    if (st.getInitialStateCount() == 0) {
      if (st.getDimsList().contains(-1L))
        throw new IllegalArgumentException(what + " has a variable dimension, so it needs an initial_state with concrete dims");
      return;
    }
    ModelSequenceBatching.InitialState init = st.getInitialState(0);
    if (init.getStateDataCase() == ModelSequenceBatching.InitialState.StateDataCase.DATA_FILE)
      throw new IllegalArgumentException(what + ": initial_state data_file is not supported (use zero_data)");
    if (!init.getZeroData()) throw new IllegalArgumentException(what + ": initial_state needs zero_data: true");
    if (init.getDataType() != st.getDataType())
      throw new IllegalArgumentException(what + ": initial_state is " + init.getDataType() + ", the state is " + st.getDataType());
    List<Long> dims = init.getDimsList();
    boolean fits = dims.size() == st.getDimsCount();
    for (int i = 0; fits && i < dims.size(); i++)
      fits = dims.get(i) > 0 && (st.getDims(i) == -1 || st.getDims(i) == dims.get(i));
    if (!fits) throw new IllegalArgumentException(what + ": initial_state dims " + dims + " do not fill the state's " + st.getDimsList());
  }

  private static void checkStrategy(ModelSequenceBatching sb, int maxBatch) {
    if (sb.hasDirect() && sb.getDirect().getMinimumSlotUtilization() != 0f)
      throw new IllegalArgumentException("direct minimum_slot_utilization is not supported");
    if (!sb.hasOldest()) return;
    ModelSequenceBatching.StrategyOldest o = sb.getOldest();
    if (o.getMaxCandidateSequences() < 0)
      throw new IllegalArgumentException("oldest max_candidate_sequences must be >= 0, got " + o.getMaxCandidateSequences());
    for (int p : o.getPreferredBatchSizeList())
      if (p < 1 || p > maxBatch)
        throw new IllegalArgumentException("oldest preferred_batch_size " + p + " is outside 1.." + maxBatch + " (max_batch_size)");
  }
}

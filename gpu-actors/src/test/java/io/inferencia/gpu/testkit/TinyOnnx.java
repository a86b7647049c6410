package io.inferencia.gpu.testkit;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ONNX models for tests, straight in protobuf (ModelProto field numbers from onnx.proto),
 * so a test can have a model with exactly the inputs it needs, e.g. Triton's sequence controls.
 * Dimension 0 of every tensor is the symbolic batch "N".
 */
public final class TinyOnnx {
  public static final int FLOAT = 1;
  public static final int INT32 = 6;
  public static final int INT64 = 7;

  private record Value(String name, int type, long[] dims) {}

  private record Node(String op, List<String> inputs, String output) {}

  private final List<Value> inputs = new ArrayList<>();
  private final List<Value> outputs = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();

  public TinyOnnx input(String name, int type, long... dims) {
    inputs.add(new Value(name, type, dims));
    return this;
  }

  public TinyOnnx output(String name, int type, long... dims) {
    outputs.add(new Value(name, type, dims));
    return this;
  }

  public TinyOnnx node(String op, String output, String... in) {
    nodes.add(new Node(op, List.of(in), output));
    return this;
  }

  /**
   * The accumulator of the sequence tests: Y = STATE_OUT = X + STATE, and the controls START, END
   * (INT32) and CORRID (INT64) echoed as START_SEEN, END_SEEN, CORRID_SEEN. All tensors are [N, 1].
   */
  public static TinyOnnx accumulator() {
    return new TinyOnnx()
        .input("X", FLOAT, 1).input("STATE", FLOAT, 1).input("START", INT32, 1).input("END", INT32, 1)
        .input("CORRID", INT64, 1)
        .node("Add", "SUM", "X", "STATE").node("Identity", "Y", "SUM").node("Identity", "STATE_OUT", "SUM")
        .node("Identity", "START_SEEN", "START").node("Identity", "END_SEEN", "END").node("Identity", "CORRID_SEEN", "CORRID")
        .output("Y", FLOAT, 1).output("STATE_OUT", FLOAT, 1).output("START_SEEN", INT32, 1).output("END_SEEN", INT32, 1)
        .output("CORRID_SEEN", INT64, 1);
  }

  /**
   * The config serving {@link #accumulator()} with Triton's sequence batcher: START and END as INT32
   * controls, CORRID as INT64, STATE carried from STATE_OUT, up to 8 sequences batched (oldest).
   */
  public static String accumulatorConfig(long idleMicros) {
    return """
        backend: "onnxruntime"
        max_batch_size: 8
        input [ { name: "X" data_type: TYPE_FP32 dims: [ 1 ] } ]
        output [ { name: "Y" data_type: TYPE_FP32 dims: [ 1 ] },
                 { name: "START_SEEN" data_type: TYPE_INT32 dims: [ 1 ] },
                 { name: "END_SEEN" data_type: TYPE_INT32 dims: [ 1 ] },
                 { name: "CORRID_SEEN" data_type: TYPE_INT64 dims: [ 1 ] } ]
        instance_group [ { count: 1 kind: KIND_CPU } ]
        sequence_batching {
          max_sequence_idle_microseconds: %d
          control_input [
            { name: "START" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] } ] },
            { name: "END" control [ { kind: CONTROL_SEQUENCE_END int32_false_true: [ 0, 1 ] } ] },
            { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_INT64 } ] }
          ]
          state [ { input_name: "STATE" output_name: "STATE_OUT" data_type: TYPE_FP32 dims: [ 1 ] } ]
          oldest { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 20000 }
        }
        """.formatted(idleMicros);
  }

  public void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, model());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] model() throws IOException {
    return message(out -> {
      out.writeInt64(1, 8); // ir_version
      out.writeBytes(8, message(o -> o.writeInt64(2, 13))); // opset_import { version: 13 }
      out.writeString(2, "inferencia-tests"); // producer_name
      out.writeBytes(7, graph());
    }).toByteArray();
  }

  private ByteString graph() throws IOException {
    return message(g -> {
      for (Node n : nodes)
        g.writeBytes(1, message(o -> {
          for (String in : n.inputs()) o.writeString(1, in);
          o.writeString(2, n.output());
          o.writeString(4, n.op());
        }));
      g.writeString(2, "tiny");
      for (Value v : inputs) g.writeBytes(11, valueInfo(v));
      for (Value v : outputs) g.writeBytes(12, valueInfo(v));
    });
  }

  private static ByteString valueInfo(Value v) throws IOException {
    ByteString shape = message(s -> {
      s.writeBytes(1, message(d -> d.writeString(2, "N")));
      for (long dim : v.dims()) s.writeBytes(1, message(d -> d.writeInt64(1, dim)));
    });
    ByteString tensor = message(t -> {
      t.writeInt32(1, v.type());
      t.writeBytes(2, shape);
    });
    return message(o -> {
      o.writeString(1, v.name());
      o.writeBytes(2, message(t -> t.writeBytes(1, tensor)));
    });
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static ByteString message(Writer w) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    w.write(out);
    out.flush();
    return ByteString.copyFrom(bytes.toByteArray());
  }
}

package io.inferencia.gpu.pipeline.stego;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX model (a ModelProto) with nothing but protobuf's wire format, following the field
 * numbers of the public ONNX IR specification (onnx.proto): the project generates its own graphs at build
 * time rather than download them. Only what the stego graphs need: typed graph inputs and outputs, scalar
 * constant initializers and nodes with int attributes.
 */
final class OnnxGraph {
  /** TensorProto.DataType values. */
  enum ElementType {
    UINT8(2), INT16(5), INT32(6), INT64(7), BOOL(9);

    final int code;

    ElementType(int code) {
      this.code = code;
    }
  }

  private record ValueInfo(String name, ElementType type, long[] dims) {}

  private record IntAttribute(String name, long value) {}

  private record Node(String op, List<String> inputs, List<String> outputs, List<IntAttribute> attributes) {}

  private record Initializer(String name, ElementType type, long[] dims, byte[] raw) {}

  private static final int IR_VERSION = 8;
  private final String name;
  private final int opset;
  private final List<ValueInfo> inputs = new ArrayList<>();
  private final List<ValueInfo> outputs = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final List<Initializer> initializers = new ArrayList<>();

  OnnxGraph(String name, int opset) {
    this.name = name;
    this.opset = opset;
  }

  /** A graph input; a dimension of -1 is symbolic (the batch). */
  OnnxGraph input(String tensor, ElementType type, long... dims) {
    inputs.add(new ValueInfo(tensor, type, dims));
    return this;
  }

  OnnxGraph output(String tensor, ElementType type, long... dims) {
    outputs.add(new ValueInfo(tensor, type, dims));
    return this;
  }

  /** A scalar int32 constant. */
  OnnxGraph constant(String tensor, int value) {
    byte[] raw = {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)};
    initializers.add(new Initializer(tensor, ElementType.INT32, new long[0], raw));
    return this;
  }

  /** A node whose attributes, if any, are ints: {@code attributes} alternates names and values. */
  OnnxGraph node(String op, List<String> in, String out, Object... attributes) {
    List<IntAttribute> ints = new ArrayList<>();
    for (int i = 0; i < attributes.length; i += 2)
      ints.add(new IntAttribute((String) attributes[i], ((Number) attributes[i + 1]).longValue()));
    nodes.add(new Node(op, List.copyOf(in), List.of(out), ints));
    return this;
  }

  byte[] toBytes() {
    return message(out -> {
      out.writeInt64(1, IR_VERSION);
      out.writeString(2, "inferencia");
      out.writeBytes(7, nested(this::writeGraph));
      out.writeBytes(8, nested(o -> { // opset_import: the default domain
        o.writeString(1, "");
        o.writeInt64(2, opset);
      }));
    });
  }

  private void writeGraph(CodedOutputStream out) throws IOException {
    int n = 0;
    for (Node node : nodes) {
      String nodeName = node.op().toLowerCase() + "_" + n++;
      out.writeBytes(1, nested(o -> {
        for (String in : node.inputs()) o.writeString(1, in);
        for (String outName : node.outputs()) o.writeString(2, outName);
        o.writeString(3, nodeName);
        o.writeString(4, node.op());
        for (IntAttribute attribute : node.attributes())
          o.writeBytes(5, nested(a -> {
            a.writeString(1, attribute.name());
            a.writeInt64(3, attribute.value());
            a.writeEnum(20, 2); // AttributeType.INT
          }));
      }));
    }
    out.writeString(2, name);
    for (Initializer init : initializers)
      out.writeBytes(5, nested(t -> {
        for (long d : init.dims()) t.writeInt64(1, d);
        t.writeInt32(2, init.type().code);
        t.writeString(8, init.name());
        t.writeBytes(9, ByteString.copyFrom(init.raw()));
      }));
    for (ValueInfo in : inputs) out.writeBytes(11, valueInfo(in));
    for (ValueInfo o : outputs) out.writeBytes(12, valueInfo(o));
  }

  private static ByteString valueInfo(ValueInfo info) {
    return nested(v -> {
      v.writeString(1, info.name());
      v.writeBytes(2, nested(type -> type.writeBytes(1, nested(tensor -> { // TypeProto.tensor_type
        tensor.writeInt32(1, info.type().code);
        tensor.writeBytes(2, nested(shape -> {
          for (long d : info.dims())
            shape.writeBytes(1, nested(dim -> {
              if (d < 0) dim.writeString(2, "batch");
              else dim.writeInt64(1, d);
            }));
        }));
      }))));
    });
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static ByteString nested(Writer writer) {
    return ByteString.copyFrom(message(writer));
  }

  private static byte[] message(Writer writer) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      writer.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

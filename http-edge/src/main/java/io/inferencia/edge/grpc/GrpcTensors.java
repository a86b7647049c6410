package io.inferencia.edge.grpc;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.inferencia.edge.tensor.RawWriter;
import io.inferencia.edge.tensor.TensorChecks;
import io.inferencia.protocols.grpc.InferParameter;
import io.inferencia.protocols.grpc.InferTensorContents;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps gRPC inference messages to the domain records and back. Inputs arrive either all as {@code
 * raw_input_contents} (Triton clients) or as typed {@code contents}; outputs always leave as {@code
 * raw_output_contents}, as Triton answers.
 */
public final class GrpcTensors {
  private GrpcTensors() {}

  public static InferRequest toDomain(ModelInferRequest req) {
    if (req.getInputsCount() == 0) throw invalid("inference request has no inputs");
    boolean raw = req.getRawInputContentsCount() > 0;
    if (raw && req.getRawInputContentsCount() != req.getInputsCount())
      throw invalid("raw_input_contents has " + req.getRawInputContentsCount() + " entries for "
          + req.getInputsCount() + " inputs");
    List<Tensor> inputs = new ArrayList<>(req.getInputsCount());
    for (int i = 0; i < req.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor in = req.getInputs(i);
      String name = in.getName();
      if (name.isEmpty()) throw invalid("input #" + i + " has no name");
      DataType type = TensorChecks.datatype("input", name, in.getDatatype());
      long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
      if (raw) {
        if (in.hasContents())
          throw invalid("input '" + name + "': contents and raw_input_contents cannot be mixed");
        inputs.add(TensorChecks.fromRaw(name, type, shape, req.getRawInputContents(i).toByteArray()));
      } else {
        if (!in.hasContents()) throw invalid("input '" + name + "' has no contents");
        inputs.add(fromContents(name, type, shape, in.getContents()));
      }
    }
    List<String> outputs = req.getOutputsList().stream()
        .map(ModelInferRequest.InferRequestedOutputTensor::getName).toList();
    Map<String, String> params = parameters(req.getParametersMap());
    long timeout = req.getParametersMap().containsKey("timeout")
        ? Math.max(0, req.getParametersMap().get("timeout").getInt64Param()) : 0;
    return new InferRequest(req.getModelName(), req.getModelVersion(), req.getId(), inputs, outputs, params, timeout)
        .withClassifications(classifications(req));
  }

  /** Triton's classification extension: a requested output's "classification" parameter (int64). */
  private static Map<String, Integer> classifications(ModelInferRequest req) {
    Map<String, Integer> out = new HashMap<>();
    for (ModelInferRequest.InferRequestedOutputTensor o : req.getOutputsList()) {
      InferParameter p = o.getParametersMap().get("classification");
      if (p == null) continue;
      if (p.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM
          && p.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.UINT64_PARAM)
        throw invalid("output '" + o.getName() + "': parameter 'classification' must be an integer");
      long n = p.getParameterChoiceCase() == InferParameter.ParameterChoiceCase.INT64_PARAM ? p.getInt64Param() : p.getUint64Param();
      out.put(o.getName(), (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n)));
    }
    return out;
  }

  /** Typed contents to the raw layout; the field used must match the datatype, as the protocol says. */
  static Tensor fromContents(String name, DataType type, long[] shape, InferTensorContents c) {
    long expected = TensorChecks.elementCount(name, shape);
    RawWriter w = new RawWriter((int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, expected * Math.max(1, type.byteSize()))));
    long n;
    switch (type) {
      case BOOL -> { n = c.getBoolContentsCount(); for (boolean b : c.getBoolContentsList()) w.putByte(b ? 1 : 0); }
      case INT8 -> { n = c.getIntContentsCount(); for (int v : c.getIntContentsList()) w.putByte(checked(name, type, v, Byte.MIN_VALUE, Byte.MAX_VALUE)); }
      case INT16 -> { n = c.getIntContentsCount(); for (int v : c.getIntContentsList()) w.putShort(checked(name, type, v, Short.MIN_VALUE, Short.MAX_VALUE)); }
      case INT32 -> { n = c.getIntContentsCount(); for (int v : c.getIntContentsList()) w.putInt(v); }
      case INT64 -> { n = c.getInt64ContentsCount(); for (long v : c.getInt64ContentsList()) w.putLong(v); }
      case UINT8 -> { n = c.getUintContentsCount(); for (int v : c.getUintContentsList()) w.putByte(checkedUnsigned(name, type, v, 0xFF)); }
      case UINT16 -> { n = c.getUintContentsCount(); for (int v : c.getUintContentsList()) w.putShort(checkedUnsigned(name, type, v, 0xFFFF)); }
      case UINT32 -> { n = c.getUintContentsCount(); for (int v : c.getUintContentsList()) w.putInt(v); }
      case UINT64 -> { n = c.getUint64ContentsCount(); for (long v : c.getUint64ContentsList()) w.putLong(v); }
      case FP32 -> { n = c.getFp32ContentsCount(); for (float v : c.getFp32ContentsList()) w.putFloat(v); }
      case FP64 -> { n = c.getFp64ContentsCount(); for (double v : c.getFp64ContentsList()) w.putDouble(v); }
      case BYTES -> { n = c.getBytesContentsCount(); for (ByteString b : c.getBytesContentsList()) w.putElement(b.toByteArray()); }
      default -> throw invalid("input '" + name + "': " + type + " must be sent in raw_input_contents");
    }
    TensorChecks.checkElementCount(name, shape, n);
    return new Tensor(name, type, shape, w.toByteArray());
  }

  private static int checked(String name, DataType type, int v, int min, int max) {
    if (v < min || v > max) throw invalid("input '" + name + "': value " + v + " is out of range for " + type);
    return v;
  }

  private static int checkedUnsigned(String name, DataType type, int v, int max) {
    if (Integer.toUnsignedLong(v) > max)
      throw invalid("input '" + name + "': value " + Integer.toUnsignedString(v) + " is out of range for " + type);
    return v;
  }

  static Map<String, String> parameters(Map<String, InferParameter> params) {
    Map<String, String> out = new HashMap<>();
    params.forEach((k, v) -> out.put(k, switch (v.getParameterChoiceCase()) {
      case BOOL_PARAM -> Boolean.toString(v.getBoolParam());
      case INT64_PARAM -> Long.toString(v.getInt64Param());
      case STRING_PARAM -> v.getStringParam();
      case DOUBLE_PARAM -> Double.toString(v.getDoubleParam());
      case UINT64_PARAM -> Long.toUnsignedString(v.getUint64Param());
      case PARAMETERCHOICE_NOT_SET -> "";
    }));
    return out;
  }

  public static ModelInferResponse toProto(InferResponse resp) {
    ModelInferResponse.Builder b = ModelInferResponse.newBuilder()
        .setModelName(resp.model())
        .setModelVersion(resp.version())
        .setId(resp.id() == null ? "" : resp.id());
    for (Tensor t : resp.outputs()) {
      ModelInferResponse.InferOutputTensor.Builder o = b.addOutputsBuilder()
          .setName(t.name())
          .setDatatype(t.datatype().wireName());
      for (long d : t.shape()) o.addShape(d);
      // Tensors are immutable once built, so the proto may share their array.
      b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(t.data()));
    }
    return b.build();
  }
}

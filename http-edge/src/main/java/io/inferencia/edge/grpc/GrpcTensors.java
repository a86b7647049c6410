package io.inferencia.edge.grpc;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.inferencia.edge.shm.SharedMemoryRegions;
import io.inferencia.edge.shm.ShmOutputs;
import io.inferencia.edge.shm.ShmRef;
import io.inferencia.edge.shm.ShmSlice;
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
import java.util.Optional;

/**
 * Maps gRPC inference messages to the domain records and back. Inputs arrive as {@code
 * raw_input_contents} (Triton clients), typed {@code contents} or in shared memory; outputs leave as
 * {@code raw_output_contents}, as Triton answers, or in shared memory.
 */
public final class GrpcTensors {
  private GrpcTensors() {}

  /** A decoded request and the outputs it wants written to shared memory. */
  public record Decoded(InferRequest request, ShmOutputs shmOutputs) {}

  /**
   * Decodes a request. Each input comes from exactly one place: typed {@code contents}, the next entry
   * of {@code raw_input_contents} (which then holds one entry per input not in shared memory, in
   * order, as Triton reads it), or a registered shared memory region.
   */
  public static Decoded toDomain(ModelInferRequest req, SharedMemoryRegions regions) {
    if (req.getInputsCount() == 0) throw invalid("inference request has no inputs");
    int rawCount = req.getRawInputContentsCount();
    int rawUsed = 0;
    List<Tensor> inputs = new ArrayList<>(req.getInputsCount());
    for (int i = 0; i < req.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor in = req.getInputs(i);
      String name = in.getName();
      if (name.isEmpty()) throw invalid("input #" + i + " has no name");
      DataType type = TensorChecks.datatype("input", name, in.getDatatype());
      long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
      Optional<ShmRef> shm = shmRef("input '" + name + "'", in.getParametersMap());
      if (shm.isPresent()) {
        if (in.hasContents())
          throw invalid("input '" + name + "': contents must not be set when the input is in shared memory");
        inputs.add(TensorChecks.fromRaw(name, type, shape, regions.slice(shm.get(), "input '" + name + "'").read()));
      } else if (rawCount > 0) {
        if (in.hasContents())
          throw invalid("input '" + name + "': contents and raw_input_contents cannot be mixed");
        if (rawUsed == rawCount)
          throw invalid("raw_input_contents has " + rawCount + " entries, too few for the inputs not in shared memory");
        inputs.add(TensorChecks.fromRaw(name, type, shape, req.getRawInputContents(rawUsed++).toByteArray()));
      } else {
        if (!in.hasContents()) throw invalid("input '" + name + "' has no contents");
        inputs.add(fromContents(name, type, shape, in.getContents()));
      }
    }
    if (rawUsed != rawCount)
      throw invalid("raw_input_contents has " + rawCount + " entries for " + rawUsed + " inputs not in shared memory");
    List<String> outputs = req.getOutputsList().stream()
        .map(ModelInferRequest.InferRequestedOutputTensor::getName).toList();
    Map<String, String> params = parameters(req.getParametersMap());
    long timeout = req.getParametersMap().containsKey("timeout")
        ? Math.max(0, req.getParametersMap().get("timeout").getInt64Param()) : 0;
    Map<String, Integer> classifications = classifications(req);
    InferRequest request = new InferRequest(req.getModelName(), req.getModelVersion(), req.getId(), inputs, outputs, params, timeout)
        .withClassifications(classifications);
    return new Decoded(request, shmOutputs(req, classifications, regions));
  }

  private static ShmOutputs shmOutputs(ModelInferRequest req, Map<String, Integer> classifications, SharedMemoryRegions regions) {
    Map<String, ShmSlice> slices = new HashMap<>();
    for (ModelInferRequest.InferRequestedOutputTensor o : req.getOutputsList()) {
      String tensor = "output '" + o.getName() + "'";
      Optional<ShmRef> shm = shmRef(tensor, o.getParametersMap());
      if (shm.isEmpty()) continue;
      // As Triton: a classification is computed from the output, not placed in shared memory.
      if (classifications.containsKey(o.getName()))
        throw invalid(tensor + ": classification and " + ShmRef.REGION + " cannot be combined");
      slices.put(o.getName(), regions.slice(shm.get(), tensor));
    }
    return slices.isEmpty() ? ShmOutputs.NONE : new ShmOutputs(slices);
  }

  /** Triton's shared memory parameters of one tensor: a string region, int64 offset and byte size. */
  private static Optional<ShmRef> shmRef(String tensor, Map<String, InferParameter> params) {
    if (params.isEmpty()) return Optional.empty();
    InferParameter region = params.get(ShmRef.REGION);
    if (region != null && region.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.STRING_PARAM)
      throw invalid(tensor + ": parameter '" + ShmRef.REGION + "' must be a string");
    return ShmRef.of(tensor, region == null ? null : region.getStringParam(),
        integer(tensor, ShmRef.OFFSET, params.get(ShmRef.OFFSET)), integer(tensor, ShmRef.BYTE_SIZE, params.get(ShmRef.BYTE_SIZE)));
  }

  private static Long integer(String tensor, String name, InferParameter p) {
    if (p == null) return null;
    return switch (p.getParameterChoiceCase()) {
      case INT64_PARAM -> p.getInt64Param();
      case UINT64_PARAM -> GrpcSharedMemory.unsigned(p.getUint64Param());
      default -> throw invalid(tensor + ": parameter '" + name + "' must be an integer");
    };
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

  /** The response; outputs bound for shared memory are written there and leave with no bytes, as Triton's do. */
  public static ModelInferResponse toProto(InferResponse resp, ShmOutputs shm) {
    ModelInferResponse.Builder b = ModelInferResponse.newBuilder()
        .setModelName(resp.model())
        .setModelVersion(resp.version())
        .setId(resp.id() == null ? "" : resp.id());
    for (Tensor t : resp.outputs()) {
      ModelInferResponse.InferOutputTensor.Builder o = b.addOutputsBuilder()
          .setName(t.name())
          .setDatatype(t.datatype().wireName());
      for (long d : t.shape()) o.addShape(d);
      Optional<ShmSlice> slice = shm.of(t.name());
      if (slice.isPresent()) {
        slice.get().write(t.data());
        o.putParameters(ShmRef.REGION, InferParameter.newBuilder().setStringParam(slice.get().regionName()).build());
        o.putParameters(ShmRef.BYTE_SIZE, InferParameter.newBuilder().setInt64Param(t.data().length).build());
        if (slice.get().offset() != 0)
          o.putParameters(ShmRef.OFFSET, InferParameter.newBuilder().setInt64Param(slice.get().offset()).build());
        b.addRawOutputContents(ByteString.EMPTY);
        continue;
      }
      // Tensors are immutable once built, so the proto may share their array.
      b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(t.data()));
    }
    return b.build();
  }
}

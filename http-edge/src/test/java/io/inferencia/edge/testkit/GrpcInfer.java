package io.inferencia.edge.testkit;

import com.google.protobuf.ByteString;
import io.inferencia.protocols.grpc.InferParameter;
import io.inferencia.protocols.grpc.InferTensorContents;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import java.util.Arrays;

/** Builders for gRPC inference requests (raw or typed contents) and readers for raw outputs. */
public final class GrpcInfer {
  private GrpcInfer() {}

  public static ModelInferRequest.Builder request(String model, String version) {
    return ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version);
  }

  public static ModelInferRequest.InferInputTensor.Builder input(String name, String datatype, long... shape) {
    return ModelInferRequest.InferInputTensor.newBuilder()
        .setName(name)
        .setDatatype(datatype)
        .addAllShape(Arrays.stream(shape).boxed().toList());
  }

  /** Adds an input whose data goes in raw_input_contents (all inputs of a request must do so). */
  public static ModelInferRequest.Builder addRaw(
      ModelInferRequest.Builder r, String name, String datatype, long[] shape, byte[] raw) {
    return r.addInputs(input(name, datatype, shape)).addRawInputContents(ByteString.copyFrom(raw));
  }

  public static ModelInferRequest.Builder addTyped(
      ModelInferRequest.Builder r, String name, String datatype, long[] shape, InferTensorContents contents) {
    return r.addInputs(input(name, datatype, shape).setContents(contents));
  }

  public static InferTensorContents fp32(float... v) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (float f : v) c.addFp32Contents(f);
    return c.build();
  }

  public static InferTensorContents strings(String... v) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (String s : v) c.addBytesContents(ByteString.copyFromUtf8(s));
    return c.build();
  }

  public static ModelInferRequest.Builder withBinaryParam(ModelInferRequest.Builder r, String name, boolean v) {
    return r.putParameters(name, InferParameter.newBuilder().setBoolParam(v).build());
  }

  /** Raw bytes of the named output. */
  public static byte[] rawOutput(ModelInferResponse r, String name) {
    for (int i = 0; i < r.getOutputsCount(); i++)
      if (r.getOutputs(i).getName().equals(name)) return r.getRawOutputContents(i).toByteArray();
    throw new AssertionError("no output '" + name + "' in " + r.getOutputsList());
  }
}

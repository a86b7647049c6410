package io.inferencia.node.testkit;

import com.google.protobuf.ByteString;
import io.inferencia.protocols.grpc.ModelInferRequest;
import io.inferencia.protocols.grpc.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** FP32 tensors in and out of KServe v2 gRPC calls, as raw little-endian contents. */
public final class GrpcTensors {
  private GrpcTensors() {}

  /** A request for {@code model} with one FP32 input. */
  public static ModelInferRequest fp32(String model, String input, long[] shape, float[] values) {
    ModelInferRequest.InferInputTensor.Builder tensor = ModelInferRequest.InferInputTensor.newBuilder()
        .setName(input).setDatatype("FP32");
    for (long d : shape) tensor.addShape(d);
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return ModelInferRequest.newBuilder().setModelName(model).addInputs(tensor)
        .addRawInputContents(ByteString.copyFrom(raw.array())).build();
  }

  /** The response's first output as floats. */
  public static float[] firstOutput(ModelInferResponse response) {
    FloatBuffer floats = response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer();
    float[] out = new float[floats.remaining()];
    floats.get(out);
    return out;
  }

  /** Null when {@code actual} equals {@code expected} within {@code tolerance}, else where it differs. */
  public static String differs(float[] expected, float[] actual, float tolerance) {
    if (expected.length != actual.length) return actual.length + " values where " + expected.length + " were expected";
    for (int i = 0; i < expected.length; i++)
      if (Math.abs(expected[i] - actual[i]) > tolerance)
        return "value " + i + " is " + actual[i] + " where " + expected[i] + " was expected";
    return null;
  }
}

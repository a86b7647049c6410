package io.inferencia.gpu.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import io.inferencia.gpu.batching.StackedInput;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts between the protocol's little-endian raw tensors and ONNX Runtime tensors. Inputs go
 * through a direct buffer ONNX Runtime reads in place; bytes are swapped only on big-endian hosts.
 */
public final class TensorConversion {
  private static final boolean NATIVE_LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private TensorConversion() {}

  /**
   * The stacked input as ONNX Runtime input, its parts copied into {@code staging} (a direct buffer
   * of at least {@link StackedInput#byteSize()} bytes, which ONNX Runtime then reads in place).
   */
  public static OnnxTensor toOnnx(OrtEnvironment env, StackedInput input, ByteBuffer staging) throws OrtException {
    OnnxJavaType type = javaType(input.datatype());
    staging.clear();
    for (byte[] part : input.parts()) staging.put(NATIVE_LITTLE ? part : swapped(part, input.datatype().byteSize()));
    staging.flip();
    return OnnxTensor.createTensor(env, staging.slice().order(ByteOrder.nativeOrder()), input.shape(), type);
  }

  /** The ONNX Runtime output as a protocol tensor named {@code name}. */
  public static Tensor fromOnnx(String name, OnnxTensor value) {
    TensorInfo info = value.getInfo();
    DataType type = dataType(info.onnxType);
    ByteBuffer buffer = value.getByteBuffer();
    byte[] bytes;
    // getByteBuffer already copies the output into a fresh heap buffer: take its array when it is
    // exactly the data (ocr_rec answers 1 MiB per item, so a second copy is not free).
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      bytes = buffer.array();
    } else {
      bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
    }
    return new Tensor(name, type, info.getShape(), NATIVE_LITTLE ? bytes : swapped(bytes, type.byteSize()));
  }

  static OnnxJavaType javaType(DataType type) {
    return switch (type) {
      case FP32 -> OnnxJavaType.FLOAT;
      case FP64 -> OnnxJavaType.DOUBLE;
      case FP16 -> OnnxJavaType.FLOAT16;
      case BF16 -> OnnxJavaType.BFLOAT16;
      case INT64 -> OnnxJavaType.INT64;
      case INT32 -> OnnxJavaType.INT32;
      case INT16 -> OnnxJavaType.INT16;
      case INT8 -> OnnxJavaType.INT8;
      case UINT8 -> OnnxJavaType.UINT8;
      case BOOL -> OnnxJavaType.BOOL;
      default -> throw InferenceException.invalid("datatype " + type + " is not supported by the ONNX Runtime backend");
    };
  }

  static DataType dataType(TensorInfo.OnnxTensorType type) {
    return switch (type) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FP32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FP64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FP16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DataType.BF16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> DataType.UINT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> DataType.UINT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> DataType.UINT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
      default -> throw new IllegalStateException("model output type " + type + " is not supported");
    };
  }

  private static byte[] swapped(byte[] data, int elementSize) {
    byte[] out = new byte[data.length];
    for (int i = 0; i < data.length; i += elementSize)
      for (int j = 0; j < elementSize; j++) out[i + j] = data[i + elementSize - 1 - j];
    return out;
  }
}

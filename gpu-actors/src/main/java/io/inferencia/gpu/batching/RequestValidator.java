package io.inferencia.gpu.batching;

import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelInput;
import io.inferencia.protocols.modelconfig.ModelOutput;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a request against the model's config before it is queued, so a bad request fails alone with
 * INVALID_ARGUMENT instead of failing the batch it would join.
 */
public final class RequestValidator {
  private RequestValidator() {}

  public static ValidatedRequest validate(ModelConfig config, InferRequest request) {
    Map<String, Tensor> byName = new HashMap<>();
    for (Tensor t : request.inputs()) {
      if (byName.put(t.name(), t) != null) throw invalid("input '" + t.name() + "' is given twice");
      if (config.getInputList().stream().noneMatch(in -> in.getName().equals(t.name())))
        throw invalid("unexpected input '" + t.name() + "' for model '" + config.getName() + "', expected " + inputNames(config));
    }
    boolean batching = config.getMaxBatchSize() > 0;
    int batch = -1;
    StringBuilder bucket = new StringBuilder();
    for (ModelInput in : config.getInputList()) {
      Tensor t = byName.get(in.getName());
      if (t == null) {
        if (in.getOptional()) continue;
        throw invalid("input '" + in.getName() + "' is missing for model '" + config.getName() + "'");
      }
      checkType(in, t);
      checkShape(config, in, t);
      checkBytes(t);
      if (batching) {
        int b = (int) t.shape()[0];
        if (batch >= 0 && b != batch)
          throw invalid("input '" + t.name() + "' has batch size " + b + " but other inputs have " + batch);
        batch = b;
        bucket.append(t.name()).append(Arrays.toString(Arrays.copyOfRange(t.shape(), 1, t.shape().length)));
      }
    }
    checkRequestedOutputs(config, request.requestedOutputs());
    checkClassifications(config, request);
    return new ValidatedRequest(batching ? batch : 1, bucket.toString());
  }

  private static void checkType(ModelInput in, Tensor t) {
    DataType expected = DataType.fromConfigName(in.getDataType().name()).orElseThrow();
    if (t.datatype() != expected)
      throw invalid("input '" + t.name() + "' has datatype " + t.datatype() + ", expected " + expected);
  }

  private static void checkShape(ModelConfig config, ModelInput in, Tensor t) {
    List<Long> dims = in.getDimsList();
    long[] shape = t.shape();
    int max = config.getMaxBatchSize();
    int offset = max > 0 ? 1 : 0;
    String expected = (max > 0 ? "[-1, " : "[") + dims.toString().substring(1);
    if (shape.length != dims.size() + offset)
      throw invalid("input '" + t.name() + "' has shape " + Arrays.toString(shape) + ", expected " + expected);
    if (max > 0 && (shape[0] < 1 || shape[0] > max))
      throw invalid("input '" + t.name() + "' has batch size " + shape[0] + ", expected 1.." + max + " (max_batch_size)");
    for (int i = 0; i < dims.size(); i++) {
      long d = shape[i + offset];
      if (d < 0 || (dims.get(i) != -1 && d != dims.get(i)))
        throw invalid("input '" + t.name() + "' has shape " + Arrays.toString(shape) + ", expected " + expected);
    }
  }

  private static void checkBytes(Tensor t) {
    long elements = t.elementCount();
    if (t.datatype() == DataType.BYTES) {
      long count = countBytesElements(t);
      if (count != elements)
        throw invalid("input '" + t.name() + "' holds " + count + " BYTES elements, its shape needs " + elements);
      return;
    }
    long expected = elements * t.datatype().byteSize();
    if (t.data().length != expected)
      throw invalid("input '" + t.name() + "' has " + t.data().length + " bytes of data, shape "
          + Arrays.toString(t.shape()) + " of " + t.datatype() + " needs " + expected);
  }

  /** Walks the length prefixes without copying: pipeline inputs (images, audio) can be megabytes. */
  private static long countBytesElements(Tensor t) {
    ByteBuffer buf = t.buffer();
    long count = 0;
    while (buf.remaining() > 0) {
      if (buf.remaining() < 4) throw invalid("input '" + t.name() + "': truncated BYTES element length");
      int len = buf.getInt();
      if (len < 0 || len > buf.remaining())
        throw invalid("input '" + t.name() + "': BYTES element length " + len + " exceeds the data");
      buf.position(buf.position() + len);
      count++;
    }
    return count;
  }

  private static void checkRequestedOutputs(ModelConfig config, List<String> requested) {
    for (String name : requested)
      if (config.getOutputList().stream().map(ModelOutput::getName).noneMatch(name::equals))
        throw invalid("unknown output '" + name + "' for model '" + config.getName() + "'");
  }

  /** Triton's classification extension: a count of at least 1 on a numeric output the request asks for. */
  private static void checkClassifications(ModelConfig config, InferRequest request) {
    request.classifications().forEach((name, count) -> {
      ModelOutput out = config.getOutputList().stream().filter(o -> o.getName().equals(name)).findFirst()
          .orElseThrow(() -> invalid("unknown output '" + name + "' for model '" + config.getName() + "'"));
      if (count < 1) throw invalid("output '" + name + "': classification count must be at least 1, got " + count);
      if (out.getDataType() == io.inferencia.protocols.modelconfig.DataType.TYPE_STRING)
        throw invalid("output '" + name + "' is TYPE_STRING and cannot be classified");
    });
  }

  private static List<String> inputNames(ModelConfig config) {
    return config.getInputList().stream().map(ModelInput::getName).toList();
  }

  private static InferenceException invalid(String message) {
    return InferenceException.invalid(message);
  }
}

package io.inferencia.gpu.runtime;

import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelWarmup;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The requests of a config's {@code model_warmup} samples (Triton's semantics): zeros, random values
 * or a file's raw row-major contents, repeated {@code batch_size} times along the batch dimension.
 * The parser has checked names, types and dims; this only builds the data. Blocking: reads files.
 */
public final class WarmupSamples {
  /** The subdirectory of the model directory that input_data_file names a file in. */
  public static final String DIRECTORY = "warmup";

  /** One sample: its request, batch size and how many times to run it. */
  public record Sample(String name, InferRequest request, int batchSize, int runs) {}

  private WarmupSamples() {}

  public static List<Sample> of(ModelConfig config, Path modelDirectory) throws IOException {
    boolean batching = config.getMaxBatchSize() > 0;
    List<Sample> samples = new ArrayList<>(config.getModelWarmupCount());
    for (ModelWarmup w : config.getModelWarmupList()) {
      int batch = Math.max(1, w.getBatchSize());
      Random random = new Random(w.getName().hashCode());
      List<Tensor> inputs = new ArrayList<>(w.getInputsCount());
      for (Map.Entry<String, ModelWarmup.Input> e : w.getInputsMap().entrySet())
        inputs.add(tensor(e.getKey(), e.getValue(), batch, batching, modelDirectory.resolve(DIRECTORY), random));
      InferRequest request = new InferRequest(config.getName(), "", "warmup:" + w.getName(), inputs, List.of(), Map.of(), 0);
      samples.add(new Sample(w.getName(), request, batch, Math.max(1, w.getCount())));
    }
    return samples;
  }

  private static Tensor tensor(String name, ModelWarmup.Input in, int batch, boolean batching, Path warmupDir,
      Random random) throws IOException {
    DataType type = DataType.fromConfigName(in.getDataType().name()).orElseThrow();
    long[] itemShape = in.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long[] shape = itemShape;
    if (batching) {
      shape = new long[itemShape.length + 1];
      shape[0] = batch;
      System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
    }
    int elements = Math.toIntExact(Tensor.elementCount(itemShape));
    byte[] item = switch (in.getInputDataTypeCase()) {
      case INPUT_DATA_FILE -> fileData(warmupDir.resolve(in.getInputDataFile()), type, elements, name);
      case RANDOM_DATA -> type == DataType.BYTES ? zeros(type, elements) : randomData(type, elements, random);
      default -> zeros(type, elements);
    };
    byte[] data = new byte[Math.multiplyExact(item.length, batch)];
    for (int i = 0; i < batch; i++) System.arraycopy(item, 0, data, i * item.length, item.length);
    return new Tensor(name, type, shape, data);
  }

  private static byte[] fileData(Path file, DataType type, int elements, String input) throws IOException {
    byte[] data = Files.readAllBytes(file);
    if (type != DataType.BYTES && data.length != (long) elements * type.byteSize())
      throw new IOException("warmup file " + file.getFileName() + " for input '" + input + "' holds " + data.length
          + " bytes, expected " + (long) elements * type.byteSize());
    return data;
  }

  /** Zeros; for BYTES, empty strings (each a zero 4-byte length). */
  private static byte[] zeros(DataType type, int elements) {
    return new byte[elements * (type == DataType.BYTES ? 4 : type.byteSize())];
  }

  /** Values a model can take: floats in [0, 1), booleans 0/1, integers of any bit pattern. */
  private static byte[] randomData(DataType type, int elements, Random random) {
    ByteBuffer buf = ByteBuffer.allocate(elements * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < elements; i++) {
      switch (type) {
        case FP32 -> buf.putFloat(random.nextFloat());
        case FP64 -> buf.putDouble(random.nextDouble());
        // bfloat16 is the upper half of a float32.
        case BF16 -> buf.putShort((short) (Float.floatToIntBits(random.nextFloat()) >>> 16));
        // IEEE half precision with a biased exponent of 1..14: positive normal values below 1.
        case FP16 -> buf.putShort((short) (((1 + random.nextInt(14)) << 10) | random.nextInt(1 << 10)));
        case BOOL -> buf.put((byte) random.nextInt(2));
        default -> {
          byte[] raw = new byte[type.byteSize()];
          random.nextBytes(raw);
          buf.put(raw);
        }
      }
    }
    return buf.array();
  }
}

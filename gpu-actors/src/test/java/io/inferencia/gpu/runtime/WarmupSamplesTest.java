package io.inferencia.gpu.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.repository.ModelConfigParser;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmupSamplesTest {
  private static final String INPUTS = """
      input [
        { name: "f" data_type: TYPE_FP32 dims: [ 2, -1 ] },
        { name: "h" data_type: TYPE_FP16 dims: [ 4 ] },
        { name: "s" data_type: TYPE_STRING dims: [ 3 ] },
        { name: "i" data_type: TYPE_INT32 dims: [ 2 ] }
      ]
      output [ { name: "y" data_type: TYPE_FP32 dims: [ 1 ] } ]
      """;

  @TempDir Path dir;

  @Test
  void buildsEachInputRepeatedAlongTheBatchDimension() throws Exception {
    Files.createDirectories(dir.resolve("warmup"));
    Files.write(dir.resolve("warmup/i.bin"), new byte[] {1, 0, 0, 0, 2, 0, 0, 0});
    ModelConfig config = ModelConfigParser.parse("max_batch_size: 4\n" + INPUTS + """
        model_warmup [ { name: "mixed" batch_size: 3 count: 2 inputs [
          { key: "f" value: { data_type: TYPE_FP32 dims: [ 2, 5 ] random_data: true } },
          { key: "h" value: { data_type: TYPE_FP16 dims: [ 4 ] random_data: true } },
          { key: "s" value: { data_type: TYPE_STRING dims: [ 3 ] random_data: true } },
          { key: "i" value: { data_type: TYPE_INT32 dims: [ 2 ] input_data_file: "i.bin" } } ] } ]
        """, "m");
    WarmupSamples.Sample sample = WarmupSamples.of(config, dir).get(0);
    assertEquals(3, sample.batchSize());
    assertEquals(2, sample.runs());
    Tensor f = input(sample, "f");
    assertArrayEquals(new long[] {3, 2, 5}, f.shape());
    float[] floats = f.asFloats();
    for (float v : floats) assertTrue(v >= 0 && v < 1, "random floats lie in [0, 1): " + v);
    for (int k = 0; k < 10; k++) assertEquals(floats[k], floats[20 + k], "each batch item is the same sample");
    Tensor h = input(sample, "h");
    for (int k = 0; k < 12; k++) {
      int bits = h.buffer().getShort(2 * k) & 0xffff;
      int exponent = bits >>> 10;
      assertTrue(exponent >= 1 && exponent <= 14, "half precision in (0, 1): " + Integer.toHexString(bits));
    }
    Tensor s = input(sample, "s");
    assertEquals(DataType.BYTES, s.datatype());
    assertEquals(List.of("", "", "", "", "", "", "", "", ""), s.asStrings(), "BYTES fall back to empty strings");
    Tensor i = input(sample, "i");
    assertArrayEquals(new byte[] {1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0}, i.data());
  }

  @Test
  void withoutBatchingTheSampleHasTheInputsOwnShape() throws Exception {
    ModelConfig config = ModelConfigParser.parse("max_batch_size: 0\n" + INPUTS.replace("-1", "5") + """
        model_warmup [ { name: "z" batch_size: 1 inputs [
          { key: "f" value: { data_type: TYPE_FP32 dims: [ 2, 5 ] zero_data: true } },
          { key: "h" value: { data_type: TYPE_FP16 dims: [ 4 ] zero_data: true } },
          { key: "s" value: { data_type: TYPE_STRING dims: [ 3 ] zero_data: true } },
          { key: "i" value: { data_type: TYPE_INT32 dims: [ 2 ] zero_data: true } } ] } ]
        """, "m");
    WarmupSamples.Sample sample = WarmupSamples.of(config, dir).get(0);
    assertEquals(1, sample.runs(), "count 0 runs the sample once");
    assertArrayEquals(new long[] {2, 5}, input(sample, "f").shape());
    assertArrayEquals(new byte[40], input(sample, "f").data());
  }

  @Test
  void aFileOfTheWrongSizeOrAMissingFileFails() throws Exception {
    Files.createDirectories(dir.resolve("warmup"));
    Files.write(dir.resolve("warmup/i.bin"), new byte[] {1, 0, 0});
    String text = "max_batch_size: 0\n" + INPUTS.replace("-1", "5") + """
        model_warmup [ { name: "z" batch_size: 1 inputs [
          { key: "f" value: { data_type: TYPE_FP32 dims: [ 2, 5 ] zero_data: true } },
          { key: "h" value: { data_type: TYPE_FP16 dims: [ 4 ] zero_data: true } },
          { key: "s" value: { data_type: TYPE_STRING dims: [ 3 ] zero_data: true } },
          { key: "i" value: { data_type: TYPE_INT32 dims: [ 2 ] input_data_file: "FILE" } } ] } ]
        """;
    IOException wrongSize = assertThrows(IOException.class,
        () -> WarmupSamples.of(ModelConfigParser.parse(text.replace("FILE", "i.bin"), "m"), dir));
    assertTrue(wrongSize.getMessage().contains("holds 3 bytes, expected 8"), wrongSize.getMessage());
    assertThrows(IOException.class, () -> WarmupSamples.of(ModelConfigParser.parse(text.replace("FILE", "none.bin"), "m"), dir));
  }

  private static Tensor input(WarmupSamples.Sample sample, String name) {
    return sample.request().inputs().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }
}

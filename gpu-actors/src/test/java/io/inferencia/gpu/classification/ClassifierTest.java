package io.inferencia.gpu.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.repository.ModelConfigParser;
import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierTest {
  private static final Classifier BATCHED = new Classifier(Map.of("P", List.of("cat", "dog", "fish")), true);

  @Test
  void topClassesPerBatchItemHighestFirstWithLabelsWhereThereAreSome() {
    Tensor p = Tensor.ofFloats("P", new long[] {2, 4}, new float[] {0.1f, 0.6f, 0.05f, 0.25f, 0.7f, 0.1f, 0.1f, 0.1f});
    Tensor out = only(BATCHED.apply(request(Map.of("P", 3)), List.of(p)));
    assertEquals(DataType.BYTES, out.datatype());
    assertArrayEquals(new long[] {2, 3}, out.shape());
    assertEquals(List.of("0.600000:1:dog", "0.250000:3", "0.100000:0:cat", "0.700000:0:cat", "0.100000:1:dog", "0.100000:2:fish"),
        out.asStrings(), "ties keep index order; index 3 has no label");
  }

  @Test
  void aCountPastTheClassesGivesThemAllAndOtherOutputsStayRaw() {
    Tensor p = Tensor.ofFloats("P", new long[] {1, 2}, new float[] {0.2f, 0.8f});
    Tensor raw = Tensor.ofFloats("Q", new long[] {1, 1}, new float[] {5f});
    List<Tensor> out = BATCHED.apply(request(Map.of("P", 10)), List.of(p, raw));
    assertEquals(List.of("0.800000:1:dog", "0.200000:0:cat"), out.get(0).asStrings());
    assertSame(raw, out.get(1));
    List<Tensor> untouched = List.of(p);
    assertSame(untouched, BATCHED.apply(request(Map.of()), untouched));
  }

  @Test
  void integersCompareAndPrintAsIntegersAndUnbatchedOutputsAreOneItem() {
    byte[] data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(-3).putInt(7).putInt(2).array();
    Tensor t = new Tensor("P", DataType.INT32, new long[] {3}, data);
    Tensor out = only(new Classifier(Map.of(), false).apply(request(Map.of("P", 2)), List.of(t)));
    assertArrayEquals(new long[] {2}, out.shape());
    assertEquals(List.of("7:1", "2:2"), out.asStrings());
  }

  @Test
  void halfFloatsConvert() {
    assertEquals(1.0f, Classifier.halfToFloat((short) 0x3C00));
    assertEquals(-2.0f, Classifier.halfToFloat((short) 0xC000));
    assertEquals(65504f, Classifier.halfToFloat((short) 0x7BFF));
    assertEquals(0x1p-24f, Classifier.halfToFloat((short) 0x0001));
    assertTrue(Float.isInfinite(Classifier.halfToFloat((short) 0x7C00)));
  }

  @Test
  void labelsAreReadFromTheModelDirectoryThenAVersionDirectory(@TempDir Path dir) throws Exception {
    String config = """
        max_batch_size: 4
        input [ { name: "x" data_type: TYPE_FP32 dims: [ 3 ] } ]
        output [ { name: "a" data_type: TYPE_FP32 dims: [ 2 ] label_filename: "a.txt" },
                 { name: "b" data_type: TYPE_FP32 dims: [ 2 ] label_filename: "b.txt" } ]
        """;
    Files.writeString(dir.resolve("a.txt"), "up\ndown\n");
    Files.createDirectories(dir.resolve("2"));
    Files.writeString(dir.resolve("2/b.txt"), "left\nright");
    var labels = OutputLabels.load(ModelConfigParser.parse(config, "m"), dir);
    assertEquals(List.of("up", "down"), labels.get("a"));
    assertEquals(List.of("left", "right"), labels.get("b"));
    Files.delete(dir.resolve("a.txt"));
    var e = assertThrows(IllegalArgumentException.class, () -> OutputLabels.load(ModelConfigParser.parse(config, "m"), dir));
    assertTrue(e.getMessage().contains("output 'a' label_filename 'a.txt' is neither in"), e.getMessage());
  }

  private static Tensor only(List<Tensor> tensors) {
    assertEquals(1, tensors.size());
    return tensors.get(0);
  }

  private static InferRequest request(Map<String, Integer> classifications) {
    return InferRequest.of("m", List.of()).withClassifications(classifications);
  }
}

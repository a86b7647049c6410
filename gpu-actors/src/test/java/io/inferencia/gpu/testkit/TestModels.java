package io.inferencia.gpu.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.inferencia.protocols.inference.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The shipped model repository and helpers to build small test repositories from it. Test-scope and
 * published in the test-jar so other modules' tests reach the same models.
 */
public final class TestModels {
  private TestModels() {}

  /** The repository Surefire points {@code model.repository} at (falls back to ../model_repository). */
  public static Path repository() {
    String property = System.getProperty("model.repository");
    Path path = property != null ? Path.of(property) : Path.of("..", "model_repository");
    return path.toAbsolutePath().normalize();
  }

  public static Path onnxFile(String model) {
    return repository().resolve(model).resolve("1").resolve("model.onnx");
  }

  /** The default config with {@code inference.model-repository} set to {@code repo}. */
  public static Config config(Path repo) {
    return ConfigFactory.load()
        .withValue("inference.model-repository", ConfigValueFactory.fromAnyRef(repo.toString()));
  }

  /**
   * Adds model {@code name} with the given config text, linking the shipped model's files: version 1's
   * (the ONNX file, ocr_rec's dictionary) and the model directory's own (ocr_cls's labels).
   */
  public static void addModel(Path repo, String name, String configText, String shippedModel) throws IOException {
    Path dir = Files.createDirectories(repo.resolve(name));
    Files.writeString(dir.resolve("config.pbtxt"), configText);
    if (shippedModel != null) {
      Path shippedVersion = repository().resolve(shippedModel).resolve("1");
      if (Files.isDirectory(shippedVersion)) linkFiles(shippedVersion, Files.createDirectories(dir.resolve("1")));
      linkFiles(repository().resolve(shippedModel), dir);
    }
  }

  private static void linkFiles(Path from, Path to) throws IOException {
    try (var files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList())
        if (!f.getFileName().toString().equals("config.pbtxt")) Files.createSymbolicLink(to.resolve(f.getFileName()), f);
    }
  }

  /** Adds a shipped model unchanged (config copied, ONNX file linked). */
  public static void addShipped(Path repo, String model) throws IOException {
    addModel(repo, model, Files.readString(repository().resolve(model).resolve("config.pbtxt")), model);
  }

  /** A uniform random FP32 tensor in [-1, 1). */
  public static Tensor randomFloats(String name, long[] shape, long seed) {
    Random random = new Random(seed);
    float[] values = new float[(int) Tensor.elementCount(shape)];
    for (int i = 0; i < values.length; i++) values[i] = random.nextFloat() * 2 - 1;
    return Tensor.ofFloats(name, shape, values);
  }

  /** The smallest valid config: one FP32 input x [3], one output y [2]. */
  public static String minimalConfig(int maxBatchSize) {
    return "max_batch_size: " + maxBatchSize + "\n"
        + "input [ { name: \"x\" data_type: TYPE_FP32 dims: [ 3 ] } ]\n"
        + "output [ { name: \"y\" data_type: TYPE_FP32 dims: [ 2 ] } ]\n";
  }
}

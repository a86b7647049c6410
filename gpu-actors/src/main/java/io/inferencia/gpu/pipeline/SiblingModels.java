package io.inferencia.gpu.pipeline;

import com.google.protobuf.TextFormat;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Looks up the models a pipeline calls in the repository that holds the pipeline itself. */
public final class SiblingModels {
  private SiblingModels() {}

  /** The repository root: the parent of the pipeline's own model directory. */
  public static Path repository(Path modelDir) {
    Path parent = modelDir.toAbsolutePath().getParent();
    if (parent == null) throw new IllegalArgumentException("model dir " + modelDir + " has no parent repository");
    return parent;
  }

  /** The model's max_batch_size from its config.pbtxt, or the fallback when it cannot be read. */
  public static int maxBatchSize(Path repository, String model, int fallback) {
    Path config = repository.resolve(model).resolve("config.pbtxt");
    if (!Files.isRegularFile(config)) return fallback;
    try {
      ModelConfig.Builder b = ModelConfig.newBuilder();
      TextFormat.merge(Files.readString(config), b);
      return b.getMaxBatchSize() > 0 ? b.getMaxBatchSize() : fallback;
    } catch (IOException e) {
      return fallback;
    }
  }

  /** {@code fileName} inside the highest numbered version directory of {@code model} that has it. */
  public static Optional<Path> versionFile(Path repository, String model, String fileName) {
    Path modelPath = repository.resolve(model);
    if (!Files.isDirectory(modelPath)) return Optional.empty();
    try (Stream<Path> versions = Files.list(modelPath)) {
      return versions
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .sorted(Comparator.comparingLong((Path p) -> Long.parseLong(p.getFileName().toString())).reversed())
          .map(p -> p.resolve(fileName))
          .filter(Files::isRegularFile)
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

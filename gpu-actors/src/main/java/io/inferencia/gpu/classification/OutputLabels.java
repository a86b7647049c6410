package io.inferencia.gpu.classification;

import io.inferencia.gpu.pipeline.SiblingModels;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The labels of outputs that name a {@code label_filename}: one label per line, line i for class i,
 * as Triton reads them for its classification extension. The file is looked up in the model's
 * directory, as in Triton, then in its highest version directory holding it (where a model's own
 * files live in this repository, e.g. ocr_rec's dictionary). Blocking: called while scanning.
 */
public final class OutputLabels {
  private OutputLabels() {}

  /** @throws IllegalArgumentException naming the output and file when a label file is missing or unreadable */
  public static Map<String, List<String>> load(ModelConfig config, Path modelDir) {
    Map<String, List<String>> labels = new HashMap<>();
    for (ModelOutput out : config.getOutputList()) {
      String file = out.getLabelFilename();
      if (file.isEmpty()) continue;
      if (file.contains("/") || file.contains("\\") || file.equals("..") || file.equals("."))
        throw new IllegalArgumentException("output '" + out.getName() + "' label_filename must be a file name, got '" + file + "'");
      Path path = find(modelDir, file).orElseThrow(() -> new IllegalArgumentException("output '" + out.getName()
          + "' label_filename '" + file + "' is neither in " + modelDir + " nor in a version directory"));
      try {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines = lines.subList(0, lines.size() - 1);
        labels.put(out.getName(), List.copyOf(lines));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read label_filename " + path + ": " + e.getMessage(), e);
      }
    }
    return Map.copyOf(labels);
  }

  private static Optional<Path> find(Path modelDir, String file) {
    if (Files.isRegularFile(modelDir.resolve(file))) return Optional.of(modelDir.resolve(file));
    Path dir = modelDir.toAbsolutePath();
    return SiblingModels.versionFile(dir.getParent(), dir.getFileName().toString(), file);
  }
}

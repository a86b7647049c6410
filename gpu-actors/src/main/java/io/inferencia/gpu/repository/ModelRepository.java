package io.inferencia.gpu.repository;

import io.inferencia.gpu.classification.OutputLabels;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelVersionPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A Triton-layout model folder: {@code <root>/<model>/config.pbtxt} and numeric version directories.
 * Scanning never throws for one bad model: its source carries the reason and the others are served.
 */
public final class ModelRepository {
  public static final String CONFIG_FILE = "config.pbtxt";
  private static final String DEFAULT_MODEL_FILE = "model.onnx";
  private static final Set<String> ONNX_BACKENDS = Set.of("onnxruntime", "onnxruntime_onnx");

  private final Path root;

  public ModelRepository(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** Every subdirectory holding a config.pbtxt, in name order. */
  public List<ModelSource> scan() {
    if (!Files.isDirectory(root)) throw new IllegalArgumentException("model repository " + root + " is not a directory");
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve(CONFIG_FILE)))
          .sorted()
          .map(d -> scanModel(d.getFileName().toString()).orElseThrow())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list model repository " + root, e);
    }
  }

  /** The model in {@code <root>/<name>}, or empty when there is no such model directory. */
  public Optional<ModelSource> scanModel(String name) {
    return scanModel(name, Optional.empty());
  }

  /**
   * As {@link #scanModel(String)} with {@code override} (already parsed and checked) in place of the
   * directory's config.pbtxt, which need not exist then: Triton's load with a config parameter.
   */
  public Optional<ModelSource> scanModel(String name, Optional<ModelConfig> override) {
    Path dir = root.resolve(name).normalize();
    if (!dir.getParent().equals(root.normalize())) return Optional.empty();
    if (override.isEmpty() && !Files.isRegularFile(dir.resolve(CONFIG_FILE))) return Optional.empty();
    if (override.isPresent() && !Files.isDirectory(dir)) return Optional.empty();
    ModelConfig config;
    try {
      config = override.isPresent() ? override.get() : ModelConfigParser.parseFile(dir.resolve(CONFIG_FILE), name);
    } catch (ModelConfigException e) {
      return Optional.of(ModelSource.failed(name, dir, Optional.empty(), e.getMessage()));
    }
    if (ModelSource.isPipeline(config))
      return Optional.of(new ModelSource(name, dir, Optional.of(config), List.of(pipelineVersion()), ""));
    String backend = config.getBackend().isEmpty() ? config.getPlatform() : config.getBackend();
    if (!ONNX_BACKENDS.contains(backend))
      return Optional.of(ModelSource.failed(name, dir, Optional.of(config), "unsupported backend/platform '" + backend + "'"));
    List<Long> versions = selectVersions(config.getVersionPolicy(), numericVersions(dir));
    if (versions.isEmpty())
      return Optional.of(ModelSource.failed(name, dir, Optional.of(config), "no version directory matches the version policy"));
    String file = config.getDefaultModelFilename().isEmpty() ? DEFAULT_MODEL_FILE : config.getDefaultModelFilename();
    List<ModelVersionSource> sources = new ArrayList<>();
    for (long v : versions) sources.add(onnxVersion(dir, v, file));
    Map<String, List<String>> labels;
    try {
      labels = OutputLabels.load(config, dir);
    } catch (IllegalArgumentException e) {
      return Optional.of(ModelSource.failed(name, dir, Optional.of(config), e.getMessage()));
    }
    return Optional.of(new ModelSource(name, dir, Optional.of(config), sources, "", labels));
  }

  private static ModelVersionSource pipelineVersion() {
    return new ModelVersionSource("1", Optional.empty(), "", 0);
  }

  private static ModelVersionSource onnxVersion(Path dir, long version, String file) {
    Path model = dir.resolve(Long.toString(version)).resolve(file);
    String error = Files.isRegularFile(model) ? "" : "model file " + model + " is missing";
    long bytes = 0;
    try {
      if (error.isEmpty()) bytes = Files.size(model);
    } catch (java.io.IOException e) {
      // Gone since the check: the load reports the missing file.
    }
    return new ModelVersionSource(Long.toString(version), Optional.of(model), error, bytes);
  }

  private static List<Long> numericVersions(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("[0-9]{1,18}"))
          .map(Long::parseLong)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Applies latest{num_versions} (default latest 1), all or specific to the versions on disk. */
  static List<Long> selectVersions(ModelVersionPolicy policy, List<Long> onDisk) {
    return switch (policy.getPolicyChoiceCase()) {
      case ALL -> onDisk;
      case SPECIFIC -> {
        Set<Long> wanted = new HashSet<>(policy.getSpecific().getVersionsList());
        yield onDisk.stream().filter(wanted::contains).toList();
      }
      case LATEST, POLICYCHOICE_NOT_SET -> {
        int n = policy.hasLatest() ? Math.max(1, policy.getLatest().getNumVersions()) : 1;
        yield onDisk.stream().sorted(Comparator.reverseOrder()).limit(n).sorted().toList();
      }
    };
  }
}

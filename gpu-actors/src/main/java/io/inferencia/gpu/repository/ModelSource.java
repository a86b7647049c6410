package io.inferencia.gpu.repository;

import io.inferencia.protocols.modelconfig.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One model directory as the repository found it: either a parsed config with the versions its policy
 * serves, or the reason it cannot be served.
 *
 * @param config empty when config.pbtxt is malformed
 * @param error empty unless the model cannot be served at all
 * @param labels the label_filename lines of the outputs that name one (classification extension)
 */
public record ModelSource(
    String name, Path directory, Optional<ModelConfig> config, List<ModelVersionSource> versions, String error,
    Map<String, List<String>> labels) {

  public ModelSource {
    versions = List.copyOf(versions);
    labels = Map.copyOf(labels);
  }

  /** A model whose outputs have no label files. */
  public ModelSource(String name, Path directory, Optional<ModelConfig> config, List<ModelVersionSource> versions, String error) {
    this(name, directory, config, versions, error, Map.of());
  }

  public boolean servable() {
    return config.isPresent() && error.isEmpty();
  }

  /**
   * A pipeline (backend ending in {@code _pipeline}, or Triton's platform "ensemble") is served by
   * code calling other models, not by an ONNX file.
   */
  public static boolean isPipeline(ModelConfig config) {
    return config.getBackend().endsWith("_pipeline") || config.hasEnsembleScheduling();
  }

  /** The key of the pipeline factory that builds this pipeline: its backend, or "ensemble". */
  public static String pipelineKind(ModelConfig config) {
    return config.hasEnsembleScheduling() ? config.getPlatform() : config.getBackend();
  }

  static ModelSource failed(String name, Path dir, Optional<ModelConfig> config, String error) {
    return new ModelSource(name, dir, config, List.of(), error);
  }
}

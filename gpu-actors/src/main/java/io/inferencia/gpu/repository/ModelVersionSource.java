package io.inferencia.gpu.repository;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One version to serve.
 *
 * @param modelFile the ONNX file; empty for pipelines
 * @param error empty when the version's files are present
 */
public record ModelVersionSource(String version, Optional<Path> modelFile, String error) {
  public boolean loadable() {
    return error.isEmpty();
  }
}

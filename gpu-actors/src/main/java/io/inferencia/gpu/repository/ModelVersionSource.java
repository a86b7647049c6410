package io.inferencia.gpu.repository;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One version to serve.
 *
 * @param modelFile the ONNX file; empty for pipelines
 * @param error empty when the version's files are present
 * @param fileBytes the model file's size, 0 for pipelines or a missing file (read with the scan, so
 *     that placement can estimate a footprint without touching the disk)
 */
public record ModelVersionSource(String version, Optional<Path> modelFile, String error, long fileBytes) {
  public boolean loadable() {
    return error.isEmpty();
  }
}

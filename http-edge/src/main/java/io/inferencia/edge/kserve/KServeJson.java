package io.inferencia.edge.kserve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.inferencia.edge.EdgeSettings;
import io.inferencia.edge.logging.LogSettings;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.TensorSpec;
import java.util.List;

/** The small (non-tensor) KServe v2 and Triton response bodies, as records Jackson binds. */
final class KServeJson {
  private KServeJson() {}

  record ServerMetadata(String name, String version, List<String> extensions) {}

  record Tensor(String name, String datatype, long[] shape) {}

  record ModelMetadataBody(String name, List<String> versions, String platform, List<Tensor> inputs, List<Tensor> outputs) {}

  record IndexEntry(String name, String version, String state, String reason) {}

  /** {@code {"live": true}}, {@code {"ready": false}}, or a model's readiness with its name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Readiness(Boolean live, Boolean ready, String name) {}

  record Error(String error) {}

  record Logging(
      @JsonProperty(LogSettings.FILE) String logFile,
      @JsonProperty(LogSettings.INFO) boolean logInfo,
      @JsonProperty(LogSettings.WARNINGS) boolean logWarnings,
      @JsonProperty(LogSettings.ERRORS) boolean logErrors,
      @JsonProperty(LogSettings.VERBOSE) int verboseLevel,
      @JsonProperty(LogSettings.FORMAT) String logFormat) {}

  static ServerMetadata serverMetadata(EdgeSettings settings) {
    return new ServerMetadata(settings.serverName(), settings.serverVersion(), List.copyOf(settings.extensions()));
  }

  static ModelMetadataBody modelMetadata(ModelMetadata m) {
    return new ModelMetadataBody(m.name(), List.copyOf(m.versions()), m.platform(), tensors(m.inputs()), tensors(m.outputs()));
  }

  private static List<Tensor> tensors(List<TensorSpec> specs) {
    return specs.stream().map(s -> new Tensor(s.name(), s.datatype().wireName(), s.shape())).toList();
  }

  static List<IndexEntry> index(List<ModelIndexEntry> entries) {
    return entries.stream()
        .map(e -> new IndexEntry(e.name(), e.version(), e.state().name(), e.reason() == null ? "" : e.reason()))
        .toList();
  }

  static Readiness live(boolean live) {
    return new Readiness(live, null, null);
  }

  static Readiness ready(boolean ready) {
    return new Readiness(null, ready, null);
  }

  static Readiness modelReady(String model, boolean ready) {
    return new Readiness(null, ready, model);
  }

  static Error error(String message) {
    return new Error(message == null ? "" : message);
  }

  static Logging logging(LogSettings s) {
    return new Logging(s.logFile(), s.logInfo(), s.logWarnings(), s.logErrors(), s.verboseLevel(), s.logFormat());
  }
}

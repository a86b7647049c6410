package io.inferencia.bench;

import com.google.protobuf.TextFormat;
import io.inferencia.gpu.runtime.CpuLayout;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelDynamicBatching;
import io.inferencia.protocols.modelconfig.ModelInstanceGroup;
import io.inferencia.protocols.modelconfig.ModelParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One setting under test, applied by rewriting a model's config.pbtxt in a copy of the repository:
 * the batching mode (off, fixed preferred size, adaptive) and optionally the CPU session layout
 * ({@code :single} one session on every core, {@code :per-core} one single-threaded session per core;
 * without a suffix the shipped config's layout).
 */
record BatchingVariant(String label, String mode, int preferred, String layout) {
  /** "off", "adaptive" or "fixed-N", each optionally followed by ":single" or ":per-core". */
  static BatchingVariant parse(String label) {
    int colon = label.indexOf(':');
    String batching = colon < 0 ? label : label.substring(0, colon);
    String layout = colon < 0 ? "" : label.substring(colon + 1);
    if (!layout.isEmpty() && !layout.equals("single") && !layout.equals("per-core"))
      throw new IllegalArgumentException("unknown layout '" + layout + "' (single, per-core)");
    if (batching.equals("off")) return new BatchingVariant(label, "off", 0, layout);
    if (batching.equals("adaptive")) return new BatchingVariant(label, "adaptive", 0, layout);
    if (batching.startsWith("fixed-"))
      return new BatchingVariant(label, "fixed", Integer.parseInt(batching.substring("fixed-".length())), layout);
    throw new IllegalArgumentException("unknown batching variant '" + label + "' (off, fixed-N, adaptive)");
  }

  void apply(Path configFile) throws IOException {
    ModelConfig.Builder b = ModelConfig.newBuilder();
    TextFormat.getParser().merge(Files.readString(configFile), b);
    ModelDynamicBatching.Builder db = b.getDynamicBatching().toBuilder();
    switch (mode) {
      case "off" -> b.clearDynamicBatching();
      case "fixed" -> b.setDynamicBatching(db.clearPreferredBatchSize().addPreferredBatchSize(preferred));
      default -> b.setDynamicBatching(db);
    }
    b.putParameters("batching_mode", ModelParameter.newBuilder().setStringValue(mode).build());
    if (layout.equals("single")) {
      b.removeParameters(CpuLayout.INSTANCES_PARAMETER);
      b.clearInstanceGroup().addInstanceGroup(ModelInstanceGroup.newBuilder().setCount(1).setKind(ModelInstanceGroup.Kind.KIND_CPU));
    } else if (layout.equals("per-core")) {
      b.putParameters(CpuLayout.INSTANCES_PARAMETER, ModelParameter.newBuilder().setStringValue(CpuLayout.PER_CORE).build());
    }
    Files.writeString(configFile, TextFormat.printer().printToString(b.build()));
  }
}

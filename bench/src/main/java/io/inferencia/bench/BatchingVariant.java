package io.inferencia.bench;

import com.google.protobuf.TextFormat;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelDynamicBatching;
import io.inferencia.protocols.modelconfig.ModelParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One batching setting under test, applied by rewriting a model's config.pbtxt in a copy of the
 * repository: off (each request runs alone), fixed preferred size, or adaptive.
 */
record BatchingVariant(String label, String mode, int preferred) {
  static BatchingVariant off() {
    return new BatchingVariant("off", "off", 0);
  }

  static BatchingVariant fixed(int preferred) {
    return new BatchingVariant("fixed-" + preferred, "fixed", preferred);
  }

  static BatchingVariant adaptive() {
    return new BatchingVariant("adaptive", "adaptive", 0);
  }

  /** "off", "adaptive" or "fixed-N". */
  static BatchingVariant parse(String label) {
    if (label.equals("off")) return off();
    if (label.equals("adaptive")) return adaptive();
    if (label.startsWith("fixed-")) return fixed(Integer.parseInt(label.substring("fixed-".length())));
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
    Files.writeString(configFile, TextFormat.printer().printToString(b.build()));
  }
}

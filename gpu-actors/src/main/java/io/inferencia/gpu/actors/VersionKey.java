package io.inferencia.gpu.actors;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One loaded incarnation of a model version. The generation changes on every (re)load so that late
 * notifications from a replaced batcher are recognised and ignored.
 */
public record VersionKey(String model, String version, long generation) {
  /** A unique, valid actor name. */
  String actorName() {
    return URLEncoder.encode(model, StandardCharsets.UTF_8) + "-v" + version + "-g" + generation;
  }
}

package io.inferencia.node.jobs;

/** The node without API keys: uploads above 1 KiB go multipart, one job runs at a time so queued jobs can be observed. */
final class OpenNode {
  private OpenNode() {}

  static InProcessNode get() throws Exception {
    return SharedNodes.get("""
        uploads.single-put-max = 1KiB
        jobs.worker.parallelism = 1
        jobs.limits.ocr = 2MiB
        """);
  }
}

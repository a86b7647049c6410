package io.inferencia.node.jobs;

/**
 * One node without API keys shared by the job tests of this JVM (starting one loads every model):
 * uploads above 1 KiB go multipart, one job runs at a time so queued jobs can be observed.
 */
final class OpenNode {
  private static InProcessNode node;

  private OpenNode() {}

  static synchronized InProcessNode get() throws Exception {
    if (node == null) {
      node = InProcessNode.start("""
          uploads.single-put-max = 1KiB
          jobs.worker.parallelism = 1
          jobs.limits.ocr = 2MiB
          """);
      InProcessNode started = node;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (Exception ignored) {
          // the JVM is exiting
        }
      }));
    }
    return node;
  }
}

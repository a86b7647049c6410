package io.inferencia.node;

/**
 * Pekko hands Java callers CompletionStages converted from Scala futures, whose plain
 * {@code thenApply} runs on the JDK's default async executor. With fewer than 3 cores the common
 * pool's parallelism is 1 and the JDK then starts a new thread for every stage: one per request.
 * Raising the common pool's parallelism before anything touches it keeps those stages on pooled threads.
 */
public final class CommonPoolParallelism {
  public static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPoolParallelism() {}

  /** Must run before the first use of ForkJoinPool; an explicit -D setting wins. */
  public static void ensure() {
    if (System.getProperty(PROPERTY) == null)
      System.setProperty(PROPERTY, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
  }
}
